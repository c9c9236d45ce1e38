package org.guestcrm.profile.persistence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.platform.domain.ContactKind;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Finds a tenant's guests by a normalised e-mail or E.164 phone (their contact points) or by name (the source
 * profiles' match names, PersonRecord's normalisation), merged-away ids resolved to their survivors, erased guests
 * left out; at most {@code limit} guests, each with what matched.
 */
@ApplicationScoped
public class GuestSearch {

    public record Found(Map<UUID, Set<String>> matchedOn, boolean truncated) {
    }

    public Found find(String tenant, String email, String phone, String surname, String givenName, int limit) {
        Map<UUID, Set<String>> hits = new LinkedHashMap<>();
        if (email != null) {
            GuestContactPointEntity.listByTenantAndValues(tenant, ContactKind.EMAIL, List.of(email))
                    .forEach(r -> hits.computeIfAbsent(r.guestId, k -> new LinkedHashSet<>()).add("EMAIL"));
        }
        if (phone != null) {
            GuestContactPointEntity.listByTenantAndValues(tenant, ContactKind.PHONE, List.of(phone))
                    .forEach(r -> hits.computeIfAbsent(r.guestId, k -> new LinkedHashSet<>()).add("PHONE"));
        }
        if (surname != null) {
            List<SourceProfileEntity> named = givenName == null
                    ? SourceProfileEntity.<SourceProfileEntity>find("tenant = ?1 and matchSurname = ?2", tenant, surname)
                            .range(0, limit * 4).list()
                    : SourceProfileEntity.<SourceProfileEntity>find(
                            "tenant = ?1 and matchSurname = ?2 and matchGivenName = ?3", tenant, surname, givenName)
                            .range(0, limit * 4).list();
            GuestSourceProfileEntity.listBySourceProfiles(named.stream().map(s -> s.id).toList())
                    .forEach(l -> hits.computeIfAbsent(l.guestId, k -> new LinkedHashSet<>()).add("NAME"));
        }
        // Resolve aliases, drop erased guests and other tenants' rows, keep the first hits.
        Map<UUID, Set<String>> resolved = new LinkedHashMap<>();
        if (!hits.isEmpty()) {
            Map<UUID, GuestEntity> guests = new LinkedHashMap<>();
            GuestEntity.<GuestEntity>list("id in ?1", hits.keySet()).forEach(g -> guests.put(g.id, g));
            List<UUID> survivors = new ArrayList<>();
            guests.values().stream().filter(g -> g.mergedInto != null).forEach(g -> survivors.add(g.mergedInto));
            if (!survivors.isEmpty()) {
                GuestEntity.<GuestEntity>list("id in ?1", survivors).forEach(g -> guests.put(g.id, g));
            }
            hits.forEach((id, on) -> {
                GuestEntity g = guests.get(id);
                if (g != null && g.mergedInto != null) {
                    g = guests.get(g.mergedInto);
                }
                if (g != null && g.erasedAt == null && tenant.equals(g.tenant)) {
                    resolved.computeIfAbsent(g.id, k -> new LinkedHashSet<>()).addAll(on);
                }
            });
        }
        boolean truncated = resolved.size() > limit;
        Map<UUID, Set<String>> limited = new LinkedHashMap<>();
        resolved.entrySet().stream().limit(limit).forEach(e -> limited.put(e.getKey(), e.getValue()));
        return new Found(limited, truncated);
    }
}

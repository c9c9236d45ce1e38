package org.guestcrm.profile.persistence;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

/** Loads a guest with everything its golden record shows. */
@ApplicationScoped
public class GuestRecords {

    /** A guest and its parts, as stored. */
    public record StoredGuest(GuestEntity guest, List<GuestContactPointEntity> contactPoints,
                              List<SourceProfileEntity> sourceProfiles, Map<UUID, Instant> linkedAt,
                              List<MatchDecisionEntity> matchDecisions, List<StayEntity> stays) {
    }

    public Optional<StoredGuest> load(UUID guestId) {
        GuestEntity guest = GuestEntity.findById(guestId);
        if (guest == null) {
            return Optional.empty();
        }
        Map<UUID, Instant> linkedAt = new LinkedHashMap<>();
        GuestSourceProfileEntity.listByGuest(guestId).forEach(link -> linkedAt.put(link.sourceProfileId, link.linkedAt));
        Map<UUID, SourceProfileEntity> byId = new java.util.HashMap<>();
        if (!linkedAt.isEmpty()) {
            SourceProfileEntity.<SourceProfileEntity>list("id in ?1", linkedAt.keySet()).forEach(s -> byId.put(s.id, s));
        }
        List<SourceProfileEntity> sources = linkedAt.keySet().stream().map(byId::get).toList();
        List<StayEntity> stays = StayEntity.ofProfiles(sources.stream()
                .map(s -> new org.guestcrm.profile.domain.SourceProfileKey(s.tenant, s.pmsSystem, s.pmsProfileId)).toList())
                .values().stream().flatMap(List::stream).toList();
        return Optional.of(new StoredGuest(guest, GuestContactPointEntity.listByGuest(guestId), sources, linkedAt,
                MatchDecisionEntity.listByGuest(guestId), stays));
    }

    public Optional<UUID> guestIdOfSourceProfile(String tenant, String pmsSystem, String pmsProfileId) {
        return SourceProfileEntity.findByKey(tenant, pmsSystem, pmsProfileId)
                .flatMap(source -> GuestSourceProfileEntity.findBySourceProfile(source.id))
                .map(link -> link.guestId);
    }
}

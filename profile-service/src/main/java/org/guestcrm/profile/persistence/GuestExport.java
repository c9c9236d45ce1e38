package org.guestcrm.profile.persistence;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Streams a tenant's guests with their source profile ids as NDJSON, a page of guests (keyset by id) per short
 * read-only transaction, so an export of a large tenant never holds one long transaction or the whole set in memory.
 */
@ApplicationScoped
public class GuestExport {

    private static final int PAGE = 1000;

    @Inject
    EntityManager entityManager;
    @Inject
    ObjectMapper json;

    /** One line: the guest and its sources. */
    public record Line(UUID guestId, List<Source> sources) {
    }

    public record Source(String pmsSystem, String pmsProfileId) {
    }

    /** NDJSON (one guest a line) or one JSON array. */
    public enum Format { NDJSON, JSON_ARRAY }

    public void write(String tenant, OutputStream out, Format format) {
        UUID after = new UUID(0L, 0L); // the lowest uuid in PostgreSQL's (unsigned, bytewise) order
        boolean first = true;
        boolean none = true;
        if (format == Format.JSON_ARRAY) {
            write(out, "[");
        }
        while (true) {
            UUID from = after;
            boolean inclusive = first;
            List<Line> page = QuarkusTransaction.requiringNew().call(() -> page(tenant, from, inclusive));
            first = false;
            try {
                for (Line line : page) {
                    if (format == Format.JSON_ARRAY && !none) {
                        out.write(',');
                    }
                    out.write(json.writeValueAsString(line).getBytes(StandardCharsets.UTF_8));
                    if (format == Format.NDJSON) {
                        out.write('\n');
                    }
                    none = false;
                }
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (page.size() < PAGE) {
                if (format == Format.JSON_ARRAY) {
                    write(out, "]");
                }
                return;
            }
            after = page.get(page.size() - 1).guestId();
        }
    }

    private static void write(OutputStream out, String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Line> page(String tenant, UUID after, boolean inclusive) {
        List<UUID> ids = entityManager.createQuery("select g.id from GuestEntity g where g.tenant = :tenant and g.mergedInto is null and g.id "
                        + (inclusive ? ">=" : ">") + " :after order by g.id", UUID.class)
                .setParameter("tenant", tenant).setParameter("after", after).setMaxResults(PAGE).getResultList();
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<UUID, List<Source>> sources = new LinkedHashMap<>();
        ids.forEach(id -> sources.put(id, new ArrayList<>()));
        entityManager.createQuery("""
                        select l.guestId, s.pmsSystem, s.pmsProfileId from GuestSourceProfileEntity l, SourceProfileEntity s
                        where s.id = l.sourceProfileId and l.guestId in :ids order by l.linkedAt, s.pmsSystem, s.pmsProfileId""",
                        Object[].class)
                .setParameter("ids", ids).getResultList()
                .forEach(row -> sources.get((UUID) row[0]).add(new Source((String) row[1], (String) row[2])));
        List<Line> lines = new ArrayList<>(ids.size());
        sources.forEach((id, list) -> lines.add(new Line(id, List.copyOf(list))));
        return lines;
    }
}

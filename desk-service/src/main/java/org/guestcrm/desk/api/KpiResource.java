package org.guestcrm.desk.api;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.guestcrm.desk.config.DeskClock;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.platform.security.TenantAccess;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

@Path("/api/v1/desk/kpis")
@Tag(name = "Desk figures", description = "Leads, conversion and time to answer per hotel")
public class KpiResource {

    @Inject
    TenantAccess access;
    @Inject
    EntityManager entityManager;
    @Inject
    DeskClock clock;

    @GET
    @RolesAllowed({Roles.VIEWER, Roles.AGENT, Roles.MARKETER, Roles.ADMIN})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The desk's figures per hotel over a period",
            description = "Leads received in [from, to) and what became of them (conversion rate = booked / "
                    + "received), time to answer (first completed call-back or first quote), call-backs answered "
                    + "after their due time, quotes made in the period and their outcome, tasks open and overdue now; "
                    + "communications per journey step, channel and outcome on the UTC days the period touches. "
                    + "Defaults: the last 30 days.")
    @APIResponse(responseCode = "200", description = "One row per hotel with leads or quotes in the period")
    @APIResponse(responseCode = "400", description = "Invalid parameters, named")
    @APIResponse(responseCode = "404", description = "The token does not admit the tenant")
    public Dtos.Kpis kpis(@Parameter(required = true) @QueryParam("tenant") String tenant,
                          @Parameter(description = "ISO-8601 instant, inclusive") @QueryParam("from") String fromText,
                          @Parameter(description = "ISO-8601 instant, exclusive") @QueryParam("to") String toText,
                          @QueryParam("hotel") String hotel) {
        TenantParam.require(access, tenant);
        Checks checks = new Checks().text(hotel, "hotel", 100);
        Instant now = clock.now();
        Instant to = parse(toText, "to", checks, now);
        Instant from = parse(fromText, "from", checks, to.minus(Duration.ofDays(30)));
        checks.require(from.isBefore(to), "from", "must be before to");
        checks.require(!from.isBefore(to.minus(Duration.ofDays(3660))), "from", "a period of at most 10 years");
        checks.orRefuse();

        Map<String, long[]> counts = new TreeMap<>();
        Map<String, double[]> minutes = new TreeMap<>();
        String hotelFilter = hotel == null ? "" : " and hotel_code = :hotel";
        for (Object[] row : rows("""
                select hotel_code, count(*), count(*) filter (where status = 'BOOKED'),
                       count(*) filter (where status = 'LOST'), count(*) filter (where status = 'NO_ANSWER'),
                       count(*) filter (where status = 'OPEN'), count(answered_at),
                       percentile_cont(0.5) within group (order by extract(epoch from (answered_at - received_at)) / 60),
                       avg(extract(epoch from (answered_at - received_at)) / 60)
                from lead where tenant = :tenant and received_at >= :from and received_at < :to""" + hotelFilter
                + " group by hotel_code", tenant, from, to, hotel)) {
            long[] c = counts.computeIfAbsent((String) row[0], k -> new long[12]);
            for (int i = 0; i < 6; i++) {
                c[i] = ((Number) row[i + 1]).longValue();
            }
            minutes.put((String) row[0], new double[] {number(row[7]), number(row[8])});
        }
        for (Object[] row : rows("""
                select l.hotel_code, count(*) from task t join lead l on l.id = t.lead_id
                where l.tenant = :tenant and l.received_at >= :from and l.received_at < :to
                  and t.kind = 'CALL_BACK' and t.attempt = 1
                  and (t.status = 'OVERDUE' or (t.done_at is not null and t.done_at > t.due_at and t.status = 'DONE'))"""
                + hotelFilter.replace("hotel_code", "l.hotel_code") + " group by l.hotel_code", tenant, from, to, hotel)) {
            counts.computeIfAbsent((String) row[0], k -> new long[12])[6] = ((Number) row[1]).longValue();
        }
        for (Object[] row : rows("""
                select hotel_code, count(*), count(*) filter (where status = 'BOOKED'),
                       count(*) filter (where status = 'EXPIRED')
                from quote where tenant = :tenant and created_at >= :from and created_at < :to""" + hotelFilter
                + " group by hotel_code", tenant, from, to, hotel)) {
            long[] c = counts.computeIfAbsent((String) row[0], k -> new long[12]);
            c[7] = ((Number) row[1]).longValue();
            c[8] = ((Number) row[2]).longValue();
            c[9] = ((Number) row[3]).longValue();
        }
        for (Object[] row : rows("""
                select hotel_code, count(*) filter (where status = 'OPEN'), count(*) filter (where status = 'OVERDUE')
                from task where tenant = :tenant and status in ('OPEN', 'OVERDUE')""" + hotelFilter
                + " group by hotel_code", tenant, null, null, hotel)) {
            long[] c = counts.computeIfAbsent((String) row[0], k -> new long[12]);
            c[10] = ((Number) row[1]).longValue();
            c[11] = ((Number) row[2]).longValue();
        }
        Map<String, List<Dtos.StepCount>> steps = new TreeMap<>();
        Query tally = entityManager.createNativeQuery("""
                select hotel_code, step, channel, status, sum(events) from communication_tally
                where tenant = :tenant and day >= :fromDay and day <= :toDay""" + hotelFilter
                + " group by hotel_code, step, channel, status order by hotel_code, step, channel, status")
                .setParameter("tenant", tenant)
                .setParameter("fromDay", from.atZone(java.time.ZoneOffset.UTC).toLocalDate())
                .setParameter("toDay", to.minusNanos(1).atZone(java.time.ZoneOffset.UTC).toLocalDate());
        if (hotel != null) {
            tally.setParameter("hotel", hotel);
        }
        for (Object row : tally.getResultList()) {
            Object[] r = (Object[]) row;
            steps.computeIfAbsent((String) r[0], k -> new ArrayList<>()).add(new Dtos.StepCount((String) r[1],
                    (String) r[2], (String) r[3], ((Number) r[4]).longValue()));
            counts.computeIfAbsent((String) r[0], k -> new long[12]);
        }
        List<Dtos.HotelKpis> hotels = new ArrayList<>();
        counts.forEach((code, c) -> {
            double[] m = minutes.getOrDefault(code, new double[] {Double.NaN, Double.NaN});
            hotels.add(new Dtos.HotelKpis(code, c[0], c[1], c[2], c[3], c[4], ratio(c[1], c[0]),
                    c[5], nanToNull(m[0]), nanToNull(m[1]), c[6], c[7], c[8], c[9],
                    ratio(c[8], c[7]), c[10], c[11],
                    total(steps.get(code), "SENT"), total(steps.get(code), "BOUNCED"), steps.getOrDefault(code, List.of())));
        });
        return new Dtos.Kpis(tenant, from, to, hotels);
    }

    @SuppressWarnings("unchecked")
    private List<Object[]> rows(String sql, String tenant, Instant from, Instant to, String hotel) {
        Query query = entityManager.createNativeQuery(sql).setParameter("tenant", tenant);
        if (from != null) {
            query.setParameter("from", from).setParameter("to", to);
        }
        if (hotel != null) {
            query.setParameter("hotel", hotel);
        }
        return query.getResultList();
    }

    private static Instant parse(String text, String field, Checks checks, Instant fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            checks.require(false, field, "an ISO-8601 instant such as 2026-12-01T00:00:00Z");
            return fallback;
        }
    }

    private static long total(List<Dtos.StepCount> counts, String status) {
        return counts == null ? 0 : counts.stream().filter(c -> c.status().equals(status)).mapToLong(Dtos.StepCount::events).sum();
    }

    private static Double ratio(long part, long whole) {
        return whole == 0 ? null : Math.round(1000.0 * part / whole) / 1000.0;
    }

    private static double number(Object value) {
        return value == null ? Double.NaN : ((Number) value).doubleValue();
    }

    private static Double nanToNull(double value) {
        return Double.isNaN(value) ? null : Math.round(value * 10) / 10.0;
    }
}

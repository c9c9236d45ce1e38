package org.guestcrm.desk.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;

/**
 * The desk's figures over a period, per hotel and for the whole group (PostgreSQL grouping sets: the row without a
 * hotel is the group's, so the group's median is a true median, not an average of medians), and per UTC day. Read
 * from what the desk holds: leads, tasks, quotes, documents, and the tally of crm.communications.
 */
@ApplicationScoped
public class KpiReport {

    /** The longest run of days listed per day (the chart draws at most these). */
    static final int MOST_DAYS = 400;

    /** The figures the issue asks for that live in other services' data, and why they are not here. */
    static final List<String> NOT_COMPUTED_HERE = List.of(
            "the connector's own feed state (poll cursors, refused messages): pms-connector and the ops console; reservations mirrored and feeds healthy are counted here from what reached the desk on pms.reservations",
            "golden guests per hotel: a golden record names no hotel, so guests, duplicates merged and splits are counted for the whole group only (profile-service holds the records themselves)");

    private static final String GROUP = "";
    private static final int FIELDS = 18;

    @Inject
    EntityManager entityManager;
    @Inject
    org.guestcrm.desk.config.DeskConfig config;
    @Inject
    org.guestcrm.desk.config.DeskClock clock;

    public Dtos.Kpis compute(String tenant, Instant from, Instant to, String hotel) {
        String hotelFilter = hotel == null ? "" : " and hotel_code = :hotel";
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, double[]> minutes = new HashMap<>();
        for (Object[] row : rows("""
                select hotel_code, count(*), count(*) filter (where status = 'BOOKED'),
                       count(*) filter (where status = 'LOST'), count(*) filter (where status = 'NO_ANSWER'),
                       count(*) filter (where status = 'OPEN'), count(answered_at),
                       percentile_cont(0.5) within group (order by extract(epoch from (answered_at - received_at)) / 60),
                       avg(extract(epoch from (answered_at - received_at)) / 60)
                from lead where tenant = :tenant and received_at >= :from and received_at < :to""" + hotelFilter
                + " group by grouping sets ((hotel_code), ())", tenant, from, to, hotel)) {
            long[] c = slot(counts, row[0]);
            for (int i = 0; i < 6; i++) {
                c[i] = ((Number) row[i + 1]).longValue();
            }
            minutes.put(key(row[0]), new double[] {number(row[7]), number(row[8])});
        }
        for (Object[] row : rows("""
                select l.hotel_code, count(*) from task t join lead l on l.id = t.lead_id
                where l.tenant = :tenant and l.received_at >= :from and l.received_at < :to
                  and t.kind = 'CALL_BACK' and t.attempt = 1
                  and (t.status = 'OVERDUE' or (t.done_at is not null and t.done_at > t.due_at and t.status = 'DONE'))"""
                + hotelFilter.replace("hotel_code", "l.hotel_code") + " group by grouping sets ((l.hotel_code), ())",
                tenant, from, to, hotel)) {
            slot(counts, row[0])[6] = ((Number) row[1]).longValue();
        }
        for (Object[] row : rows("""
                select hotel_code, count(*), count(*) filter (where status = 'BOOKED'),
                       count(*) filter (where status = 'EXPIRED')
                from quote where tenant = :tenant and created_at >= :from and created_at < :to""" + hotelFilter
                + " group by grouping sets ((hotel_code), ())", tenant, from, to, hotel)) {
            long[] c = slot(counts, row[0]);
            c[7] = ((Number) row[1]).longValue();
            c[8] = ((Number) row[2]).longValue();
            c[9] = ((Number) row[3]).longValue();
        }
        for (Object[] row : rows("""
                select hotel_code, count(*) filter (where status = 'OPEN'), count(*) filter (where status = 'OVERDUE')
                from task where tenant = :tenant and status in ('OPEN', 'OVERDUE')""" + hotelFilter
                + " group by grouping sets ((hotel_code), ())", tenant, null, null, hotel)) {
            long[] c = slot(counts, row[0]);
            c[10] = ((Number) row[1]).longValue();
            c[11] = ((Number) row[2]).longValue();
        }
        for (Object[] row : rows("""
                select hotel_code, count(*) filter (where state <> 'NOT_OWED'),
                       count(*) filter (where state in ('SENT', 'OPENED')), count(*) filter (where state = 'OPENED'),
                       count(*) filter (where state = 'MISSING'),
                       count(*) filter (where state <> 'NOT_OWED' and sent_at is not null and sent_at > due_at),
                       count(*) filter (where state = 'NOT_OWED')
                from document where tenant = :tenant and due_at >= :from and due_at < :to""" + hotelFilter
                + " group by grouping sets ((hotel_code), ())", tenant, from, to, hotel)) {
            long[] c = slot(counts, row[0]);
            for (int i = 0; i < 6; i++) {
                c[12 + i] = ((Number) row[i + 1]).longValue();
            }
        }
        LocalDate fromDay = from.atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate toDay = to.minusNanos(1).atZone(ZoneOffset.UTC).toLocalDate();
        Map<String, List<Dtos.StepCount>> steps = new HashMap<>();
        Query tally = entityManager.createNativeQuery("""
                select hotel_code, step, channel, status, sum(events) from communication_tally
                where tenant = :tenant and day >= :fromDay and day <= :toDay""" + hotelFilter
                + " group by grouping sets ((hotel_code, step, channel, status), (step, channel, status))"
                + " order by hotel_code, step, channel, status")
                .setParameter("tenant", tenant).setParameter("fromDay", fromDay).setParameter("toDay", toDay);
        if (hotel != null) {
            tally.setParameter("hotel", hotel);
        }
        for (Object row : tally.getResultList()) {
            Object[] r = (Object[]) row;
            steps.computeIfAbsent(key(r[0]), k -> new ArrayList<>()).add(new Dtos.StepCount((String) r[1],
                    (String) r[2], (String) r[3], ((Number) r[4]).longValue()));
            slot(counts, r[0]);
        }
        Map<String, long[]> consents = consents(tenant, hotel, fromDay, toDay);
        consents.keySet().forEach(code -> slot(counts, code.equals(GROUP) ? null : code));
        Map<String, long[]> sent = sentCosts(tenant, hotel, fromDay, toDay);
        Map<String, Dtos.SurveyKpis> surveys = surveys(tenant, from, to, hotel, sent);
        surveys.keySet().forEach(code -> slot(counts, code.equals(GROUP) ? null : code));
        Map<String, Dtos.CampaignRevenueKpis> revenue = campaignRevenue(tenant, from, to, hotel, false);
        revenue.keySet().forEach(code -> slot(counts, code.equals(GROUP) ? null : code));
        Map<String, Dtos.CampaignRevenueKpis> byClick = campaignRevenue(tenant, from, to, hotel, true);
        byClick.keySet().forEach(code -> slot(counts, code.equals(GROUP) ? null : code));
        Map<String, Dtos.FeedKpis> feeds = feeds(tenant, hotel);
        feeds.keySet().forEach(code -> slot(counts, code.equals(GROUP) ? null : code));
        Map<String, Dtos.ReservationKpis> reservations = reservations(tenant, hotel, fromDay, toDay);
        reservations.keySet().forEach(code -> slot(counts, code.equals(GROUP) ? null : code));
        List<Dtos.HotelKpis> hotels = new ArrayList<>();
        counts.forEach((code, c) -> {
            if (!code.equals(GROUP)) {
                hotels.add(figures(code, c, minutes.get(code), steps.get(code), consents.get(code),
                        survey(surveys, sent, code), segments(sent.get(code)), revenueOf(revenue, code),
                        feedsOf(feeds, code), revenueOf(byClick, code), reservationsOf(reservations, code)));
            }
        });
        Dtos.HotelKpis group = figures(null, counts.getOrDefault(GROUP, new long[FIELDS]), minutes.get(GROUP),
                steps.get(GROUP), consents.get(GROUP), survey(surveys, sent, GROUP), segments(sent.get(GROUP)),
                revenueOf(revenue, GROUP), feedsOf(feeds, GROUP), revenueOf(byClick, GROUP),
                reservationsOf(reservations, GROUP));
        Dtos.MergeKpis merges = hotel == null ? merges(tenant, fromDay, toDay) : null;
        return new Dtos.Kpis(tenant, from, to, hotels, group, days(tenant, from, to, hotel, fromDay, toDay),
                NOT_COMPUTED_HERE, merges, merges == null ? null : goldenGuests(tenant, from, to, merges));
    }

    /**
     * Reservations mirrored per hotel and group: held now by status (reservation_state), and first seen, changed and
     * cancelled on the period's days (reservation_tally, summed over partitions).
     */
    @SuppressWarnings("unchecked")
    private Map<String, Dtos.ReservationKpis> reservations(String tenant, String hotel, LocalDate fromDay,
                                                           LocalDate toDay) {
        String hotelFilter = hotel == null ? "" : " and hotel_code = :hotel";
        Map<String, List<Dtos.StatusCount>> byStatus = new TreeMap<>();
        Map<String, Long> known = new HashMap<>();
        for (Object[] row : rows("""
                select grouping(hotel_code), hotel_code, status, count(*) from reservation_state
                where tenant = :tenant""" + hotelFilter
                + " group by grouping sets ((hotel_code, status), (status)) order by hotel_code, status",
                tenant, null, null, hotel)) {
            String code = ((Number) row[0]).intValue() == 1 ? GROUP : (String) row[1];
            long n = ((Number) row[3]).longValue();
            byStatus.computeIfAbsent(code, k -> new ArrayList<>()).add(new Dtos.StatusCount((String) row[2], n));
            known.merge(code, n, Long::sum);
        }
        Map<String, long[]> changes = new HashMap<>();
        Query tally = entityManager.createNativeQuery("""
                select grouping(hotel_code), hotel_code, sum(created), sum(changed), sum(cancelled)
                from reservation_tally where tenant = :tenant and day >= :fromDay and day <= :toDay"""
                + hotelFilter + " group by grouping sets ((hotel_code), ())")
                .setParameter("tenant", tenant).setParameter("fromDay", fromDay).setParameter("toDay", toDay);
        if (hotel != null) {
            tally.setParameter("hotel", hotel);
        }
        for (Object[] row : (List<Object[]>) tally.getResultList()) {
            if (row[2] == null) {
                continue;
            }
            String code = ((Number) row[0]).intValue() == 1 ? GROUP : (String) row[1];
            changes.put(code, new long[] {((Number) row[2]).longValue(), ((Number) row[3]).longValue(),
                    ((Number) row[4]).longValue()});
        }
        Map<String, Dtos.ReservationKpis> reservations = new HashMap<>();
        java.util.Set<String> codes = new java.util.HashSet<>(known.keySet());
        codes.addAll(changes.keySet());
        for (String code : codes) {
            long[] c = changes.getOrDefault(code, new long[3]);
            reservations.put(code, new Dtos.ReservationKpis(known.getOrDefault(code, 0L),
                    byStatus.getOrDefault(code, List.of()), c[0], c[1], c[2]));
        }
        return reservations;
    }

    private static Dtos.ReservationKpis reservationsOf(Map<String, Dtos.ReservationKpis> reservations, String code) {
        Dtos.ReservationKpis found = reservations.get(code);
        return found != null ? found : new Dtos.ReservationKpis(0, List.of(), 0, 0, 0);
    }

    /** Golden guests of the tenant known now and first seen in [from, to), with the period's merges and splits. */
    private Dtos.GuestKpis goldenGuests(String tenant, Instant from, Instant to, Dtos.MergeKpis merges) {
        Object[] row = (Object[]) entityManager.createNativeQuery("""
                select count(*), count(*) filter (where first_seen_at >= :from and first_seen_at < :to)
                from guest_seen where tenant = :tenant and not gone""")
                .setParameter("tenant", tenant).setParameter("from", from).setParameter("to", to).getSingleResult();
        return new Dtos.GuestKpis(((Number) row[0]).longValue(), ((Number) row[1]).longValue(), merges.merges(),
                merges.guestsMerged(), merges.splits());
    }

    /**
     * Marketing consent per hotel and for the group (the row of the empty grouping set): [points, granted, withdrawn]
     * now, [opt-outs, opt-ins] on the period's days. Points of the whole tenant (no hotel) count for the group only.
     */
    @SuppressWarnings("unchecked")
    private Map<String, long[]> consents(String tenant, String hotel, LocalDate fromDay, LocalDate toDay) {
        Map<String, long[]> consents = new HashMap<>();
        Query points = entityManager.createNativeQuery("""
                select grouping(hotel_code), hotel_code, count(*), count(*) filter (where status = 'GRANTED'),
                       count(*) filter (where status = 'WITHDRAWN')
                from consent_point where tenant = :tenant and purpose = 'MARKETING'"""
                + (hotel == null ? "" : " and hotel_code = :hotel") + " group by grouping sets ((hotel_code), ())")
                .setParameter("tenant", tenant);
        if (hotel != null) {
            points.setParameter("hotel", hotel);
        }
        for (Object[] row : (List<Object[]>) points.getResultList()) {
            String code = consentScope(row[0], row[1]);
            if (code != null) {
                long[] c = consents.computeIfAbsent(code, k -> new long[5]);
                c[0] = ((Number) row[2]).longValue();
                c[1] = ((Number) row[3]).longValue();
                c[2] = ((Number) row[4]).longValue();
            }
        }
        Query changes = entityManager.createNativeQuery("""
                select grouping(hotel_code), nullif(hotel_code, ''), coalesce(sum(opt_outs), 0),
                       coalesce(sum(opt_ins), 0)
                from consent_tally where tenant = :tenant and purpose = 'MARKETING'
                  and day >= :fromDay and day <= :toDay"""
                + (hotel == null ? "" : " and hotel_code = :hotel") + " group by grouping sets ((hotel_code), ())")
                .setParameter("tenant", tenant).setParameter("fromDay", fromDay).setParameter("toDay", toDay);
        if (hotel != null) {
            changes.setParameter("hotel", hotel);
        }
        for (Object[] row : (List<Object[]>) changes.getResultList()) {
            String code = consentScope(row[0], row[1]);
            if (code != null) {
                long[] c = consents.computeIfAbsent(code, k -> new long[5]);
                c[3] = ((Number) row[2]).longValue();
                c[4] = ((Number) row[3]).longValue();
            }
        }
        return consents;
    }

    /** The group for the empty grouping set, the hotel for a hotel's row, null for the tenant-wide points' row. */
    private static String consentScope(Object grouping, Object hotelCode) {
        if (((Number) grouping).intValue() == 1) {
            return GROUP;
        }
        return hotelCode == null ? null : (String) hotelCode;
    }

    /**
     * From communication_tally on the period's days, per hotel and group: [post-stay surveys sent, SMS sent, their
     * segments, SMS sent without a segment count].
     */
    private Map<String, long[]> sentCosts(String tenant, String hotel, LocalDate fromDay, LocalDate toDay) {
        Map<String, long[]> sent = new HashMap<>();
        Query query = entityManager.createNativeQuery("""
                select hotel_code,
                       coalesce(sum(events) filter (where step = 'POST_STAY_SURVEY' and status = 'SENT'), 0),
                       coalesce(sum(events) filter (where channel = 'SMS' and status = 'SENT'), 0),
                       coalesce(sum(segments) filter (where channel = 'SMS' and status = 'SENT'), 0),
                       coalesce(sum(without_segments) filter (where channel = 'SMS' and status = 'SENT'), 0)
                from communication_tally where tenant = :tenant and day >= :fromDay and day <= :toDay"""
                + (hotel == null ? "" : " and hotel_code = :hotel") + " group by grouping sets ((hotel_code), ())")
                .setParameter("tenant", tenant).setParameter("fromDay", fromDay).setParameter("toDay", toDay);
        if (hotel != null) {
            query.setParameter("hotel", hotel);
        }
        for (Object row : query.getResultList()) {
            Object[] r = (Object[]) row;
            sent.put(key(r[0]), new long[] {((Number) r[1]).longValue(), ((Number) r[2]).longValue(),
                    ((Number) r[3]).longValue(), ((Number) r[4]).longValue()});
        }
        return sent;
    }

    /**
     * Survey answers first given in [from, to), the latest revision of each, per hotel and group; the hotels' rows
     * only for hotels with answers (the others get an empty figure from {@link #survey}).
     */
    private Map<String, Dtos.SurveyKpis> surveys(String tenant, Instant from, Instant to, String hotel,
                                                 Map<String, long[]> sent) {
        String hotelFilter = hotel == null ? "" : " and hotel_code = :hotel";
        Map<String, List<Dtos.AspectRating>> aspects = new HashMap<>();
        for (Object[] row : rows("""
                select s.hotel_code, r.key, count(*), avg(cast(r.value as integer))
                from survey_response s cross join lateral jsonb_each_text(s.ratings) r
                where s.tenant = :tenant and s.answered_at >= :from and s.answered_at < :to"""
                + hotelFilter.replace("hotel_code", "s.hotel_code")
                + " group by grouping sets ((s.hotel_code, r.key), (r.key)) order by r.key", tenant, from, to, hotel)) {
            aspects.computeIfAbsent(key(row[0]), k -> new ArrayList<>()).add(new Dtos.AspectRating((String) row[1],
                    ((Number) row[2]).longValue(), round2(number(row[3]))));
        }
        Map<String, Dtos.SurveyKpis> surveys = new HashMap<>();
        for (Object[] row : rows("""
                select hotel_code, count(*), count(*) filter (where score >= 9),
                       count(*) filter (where score between 7 and 8), count(*) filter (where score <= 6), avg(score)
                from survey_response where tenant = :tenant and answered_at >= :from and answered_at < :to"""
                + hotelFilter + " group by grouping sets ((hotel_code), ())", tenant, from, to, hotel)) {
            String code = key(row[0]);
            long responses = ((Number) row[1]).longValue();
            long promoters = ((Number) row[2]).longValue();
            long detractors = ((Number) row[4]).longValue();
            long surveysSent = sent.containsKey(code) ? sent.get(code)[0] : 0;
            surveys.put(code, new Dtos.SurveyKpis(responses, promoters, ((Number) row[3]).longValue(), detractors,
                    org.guestcrm.desk.domain.SurveyScore.nps(promoters, detractors, responses),
                    round2(number(row[5])), surveysSent, ratio(responses, surveysSent),
                    aspects.getOrDefault(code, List.of())));
        }
        return surveys;
    }

    /** The survey figures of a hotel (or the group): none answered, but the surveys sent known. */
    private static Dtos.SurveyKpis survey(Map<String, Dtos.SurveyKpis> surveys, Map<String, long[]> sent, String code) {
        Dtos.SurveyKpis found = surveys.get(code);
        if (found != null) {
            return found;
        }
        long surveysSent = sent.containsKey(code) ? sent.get(code)[0] : 0;
        return new Dtos.SurveyKpis(0, 0, 0, 0, null, null, surveysSent, surveysSent == 0 ? null : 0.0, List.of());
    }

    private static Dtos.SmsSegmentKpis segments(long[] sent) {
        long[] s = sent == null ? new long[4] : sent;
        String note = s[3] == 0 ? null : s[3] + " SMS sent without a segment count (events from before the journey "
                + "reported segments): their segments are unknown, so segments is a lower bound";
        return new Dtos.SmsSegmentKpis(s[1], s[2], s[3], note);
    }

    /**
     * Bookings made in [from, to) and confirmed (or checked in or out) now, by the golden guest of the reservation's
     * PMS profile (guest_link), each attributed to the latest campaign mail sent to that guest at most the window
     * before booking; per hotel (the booking's) and campaign, and for the group.
     */
    @SuppressWarnings("unchecked")
    private Map<String, Dtos.CampaignRevenueKpis> campaignRevenue(String tenant, Instant from, Instant to, String hotel,
                                                                  boolean byClick) {
        long window = config.attribution().window().toSeconds();
        // By mail sent (campaign_send.sent_at) or by click (campaign_click.clicked_at, the definition).
        String touches = byClick ? "campaign_click" : "campaign_send";
        String at = byClick ? "c.clicked_at" : "c.sent_at";
        Query query = entityManager.createNativeQuery("""
                with attributed as (
                    select distinct on (r.reservation_key) r.reservation_key, r.hotel_code, r.total_amount, r.currency,
                           c.campaign_id
                    from reservation_state r
                    join guest_link g on g.tenant = r.tenant and g.pms_system = r.pms_system
                                     and g.pms_profile_id = r.pms_profile_id
                    join TOUCHES c on c.tenant = r.tenant and c.guest_id = g.guest_id
                                        and TOUCH_TIME <= r.booked_at
                                        and TOUCH_TIME > r.booked_at - cast(:window as bigint) * interval '1 second'
                    where r.tenant = :tenant and r.booked_at >= :from and r.booked_at < :to
                      and r.status in ('CONFIRMED', 'CHECKED_IN', 'CHECKED_OUT')""".replace("TOUCHES", touches)
                .replace("TOUCH_TIME", at)
                + (hotel == null ? "" : " and r.hotel_code = :hotel") + """

                    order by r.reservation_key, TOUCH_TIME desc, c.communication_id
                )""".replace("TOUCH_TIME", at) + """

                select grouping(hotel_code), hotel_code, campaign_id, currency, count(*), sum(total_amount)
                from attributed
                group by grouping sets ((hotel_code, campaign_id, currency), (campaign_id, currency))
                order by campaign_id, currency""")
                .setParameter("tenant", tenant).setParameter("from", from).setParameter("to", to)
                .setParameter("window", window);
        if (hotel != null) {
            query.setParameter("hotel", hotel);
        }
        // scope -> campaign -> currency ("" = no amount) -> [bookings, amount]
        Map<String, Map<String, Map<String, Object[]>>> found = new TreeMap<>();
        for (Object[] row : (List<Object[]>) query.getResultList()) {
            String scope = ((Number) row[0]).intValue() == 1 ? GROUP : (String) row[1];
            String currency = row[3] == null ? "" : (String) row[3];
            found.computeIfAbsent(scope, k -> new TreeMap<>()).computeIfAbsent((String) row[2], k -> new TreeMap<>())
                    .put(currency, new Object[] {((Number) row[4]).longValue(), row[5]});
        }
        Map<String, Dtos.CampaignRevenueKpis> revenue = new HashMap<>();
        found.forEach((scope, campaigns) -> {
            List<Dtos.CampaignRevenue> list = new ArrayList<>();
            Map<String, java.math.BigDecimal> totals = new TreeMap<>();
            long bookings = 0;
            long withoutAmount = 0;
            for (Map.Entry<String, Map<String, Object[]>> campaign : campaigns.entrySet()) {
                long campaignBookings = 0;
                long campaignWithout = 0;
                List<Dtos.Amount> amounts = new ArrayList<>();
                for (Map.Entry<String, Object[]> byCurrency : campaign.getValue().entrySet()) {
                    long n = (Long) byCurrency.getValue()[0];
                    campaignBookings += n;
                    if (byCurrency.getKey().isEmpty()) {
                        campaignWithout += n;
                    } else {
                        java.math.BigDecimal amount = money(byCurrency.getValue()[1]);
                        amounts.add(new Dtos.Amount(byCurrency.getKey(), amount));
                        totals.merge(byCurrency.getKey(), amount, java.math.BigDecimal::add);
                    }
                }
                list.add(new Dtos.CampaignRevenue(campaign.getKey(), campaignBookings, campaignWithout, amounts));
                bookings += campaignBookings;
                withoutAmount += campaignWithout;
            }
            revenue.put(scope, new Dtos.CampaignRevenueKpis(windowDays(), bookings, withoutAmount,
                    totals.entrySet().stream().map(e -> new Dtos.Amount(e.getKey(), e.getValue())).toList(), list));
        });
        return revenue;
    }

    /**
     * The feeds of each hotel now (feed_seen, newest over partitions) and the group's, judged healthy while their
     * newest event reached the desk at most desk.feeds.stale-after ago (by the desk's clock).
     */
    @SuppressWarnings("unchecked")
    private Map<String, Dtos.FeedKpis> feeds(String tenant, String hotel) {
        java.time.Duration staleAfter = config.feeds().staleAfter();
        Instant now = clock.now();
        Query query = entityManager.createNativeQuery("""
                select hotel_code, feed, max(pms_system), max(last_event_at), max(last_received_at)
                from feed_seen where tenant = :tenant""" + (hotel == null ? "" : " and hotel_code = :hotel")
                + " group by hotel_code, feed order by hotel_code, feed").setParameter("tenant", tenant);
        if (hotel != null) {
            query.setParameter("hotel", hotel);
        }
        Map<String, List<Dtos.FeedHealth>> byHotel = new TreeMap<>();
        List<Dtos.FeedHealth> all = new ArrayList<>();
        for (Object[] row : (List<Object[]>) query.getResultList()) {
            Instant received = instant(row[4]);
            Dtos.FeedHealth feed = new Dtos.FeedHealth((String) row[0], (String) row[1], (String) row[2],
                    instant(row[3]), received, !received.isBefore(now.minus(staleAfter)));
            byHotel.computeIfAbsent((String) row[0], k -> new ArrayList<>()).add(feed);
            all.add(feed);
        }
        Map<String, Dtos.FeedKpis> feeds = new HashMap<>();
        byHotel.forEach((code, list) -> feeds.put(code, feedKpis(list, staleAfter)));
        feeds.put(GROUP, feedKpis(all, staleAfter));
        return feeds;
    }

    private static Dtos.FeedKpis feedKpis(List<Dtos.FeedHealth> list, java.time.Duration staleAfter) {
        return new Dtos.FeedKpis(list.size(), list.stream().filter(Dtos.FeedHealth::healthy).count(),
                staleAfter.toHours(), list);
    }

    private Dtos.FeedKpis feedsOf(Map<String, Dtos.FeedKpis> feeds, String code) {
        Dtos.FeedKpis found = feeds.get(code);
        return found != null ? found : feedKpis(List.of(), config.feeds().staleAfter());
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        return Instant.parse(value.toString());
    }

    private Dtos.CampaignRevenueKpis revenueOf(Map<String, Dtos.CampaignRevenueKpis> revenue, String code) {
        Dtos.CampaignRevenueKpis found = revenue.get(code);
        return found != null ? found : new Dtos.CampaignRevenueKpis(windowDays(), 0, 0, List.of(), List.of());
    }

    private long windowDays() {
        return config.attribution().window().toDays();
    }

    private static java.math.BigDecimal money(Object value) {
        java.math.BigDecimal amount = value instanceof java.math.BigDecimal b ? b : new java.math.BigDecimal(value.toString());
        java.math.BigDecimal plain = amount.stripTrailingZeros();
        return plain.scale() < 2 ? plain.setScale(2) : plain;
    }

    /** Merges and splits of golden records on the period's days (crm.guest-merges), for the whole tenant. */
    private Dtos.MergeKpis merges(String tenant, LocalDate fromDay, LocalDate toDay) {
        Object[] row = (Object[]) entityManager.createNativeQuery("""
                select coalesce(sum(merges), 0), coalesce(sum(guests_merged), 0), coalesce(sum(splits), 0)
                from merge_tally where tenant = :tenant and day >= :fromDay and day <= :toDay""")
                .setParameter("tenant", tenant).setParameter("fromDay", fromDay).setParameter("toDay", toDay)
                .getSingleResult();
        return new Dtos.MergeKpis(((Number) row[0]).longValue(), ((Number) row[1]).longValue(),
                ((Number) row[2]).longValue());
    }

    private List<Dtos.DayCount> days(String tenant, Instant from, Instant to, String hotel, LocalDate fromDay,
                                     LocalDate toDay) {
        String hotelFilter = hotel == null ? "" : " and hotel_code = :hotel";
        Map<String, long[]> byDay = new LinkedHashMap<>();
        LocalDate first = toDay.minusDays(MOST_DAYS - 1L).isAfter(fromDay) ? toDay.minusDays(MOST_DAYS - 1L) : fromDay;
        for (LocalDate d = first; !d.isAfter(toDay); d = d.plusDays(1)) {
            byDay.put(d.toString(), new long[3]);
        }
        for (Object[] row : rows("""
                select to_char(received_at at time zone 'UTC', 'YYYY-MM-DD'), count(*),
                       count(*) filter (where status = 'BOOKED')
                from lead where tenant = :tenant and received_at >= :from and received_at < :to""" + hotelFilter
                + " group by 1", tenant, from, to, hotel)) {
            long[] d = byDay.get((String) row[0]);
            if (d != null) {
                d[0] = ((Number) row[1]).longValue();
                d[1] = ((Number) row[2]).longValue();
            }
        }
        Query sent = entityManager.createNativeQuery("""
                select to_char(day, 'YYYY-MM-DD'), sum(events) from communication_tally
                where tenant = :tenant and day >= :fromDay and day <= :toDay and status = 'SENT'""" + hotelFilter
                + " group by 1").setParameter("tenant", tenant).setParameter("fromDay", fromDay).setParameter("toDay", toDay);
        if (hotel != null) {
            sent.setParameter("hotel", hotel);
        }
        for (Object row : sent.getResultList()) {
            Object[] r = (Object[]) row;
            long[] d = byDay.get((String) r[0]);
            if (d != null) {
                d[2] = ((Number) r[1]).longValue();
            }
        }
        List<Dtos.DayCount> days = new ArrayList<>();
        byDay.forEach((day, d) -> days.add(new Dtos.DayCount(day, d[0], d[1], d[2])));
        return days;
    }

    private static Dtos.HotelKpis figures(String code, long[] c, double[] m, List<Dtos.StepCount> steps,
                                          long[] consentCounts, Dtos.SurveyKpis surveys,
                                          Dtos.SmsSegmentKpis smsSegments, Dtos.CampaignRevenueKpis campaignRevenue,
                                          Dtos.FeedKpis feeds, Dtos.CampaignRevenueKpis campaignRevenueByClick,
                                          Dtos.ReservationKpis reservations) {
        long[] k = consentCounts == null ? new long[5] : consentCounts;
        double[] mins = m == null ? new double[] {Double.NaN, Double.NaN} : m;
        List<Dtos.StepCount> communications = steps == null ? List.of() : steps;
        Map<String, Long> byChannel = new TreeMap<>();
        communications.stream().filter(s -> s.status().equals("SENT"))
                .forEach(s -> byChannel.merge(s.channel(), s.events(), Long::sum));
        return new Dtos.HotelKpis(code, c[0], c[1], c[2], c[3], c[4], ratio(c[1], c[0]), c[5], round(mins[0]),
                round(mins[1]), c[6], c[7], c[8], c[9], ratio(c[8], c[7]), c[10], c[11],
                total(communications, "SENT"), total(communications, "BOUNCED"), communications,
                new Dtos.DocumentKpis(c[12], c[13], c[14], c[15], c[16], c[17]),
                byChannel.entrySet().stream().map(e -> new Dtos.ChannelCount(e.getKey(), e.getValue())).toList(),
                new Dtos.ConsentKpis(k[0], k[1], k[2], ratio(k[1], k[1] + k[2]), k[3], k[4]), surveys, smsSegments, campaignRevenue,
                feeds, campaignRevenueByClick, reservations);
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

    private static long[] slot(Map<String, long[]> counts, Object hotelCode) {
        return counts.computeIfAbsent(key(hotelCode), k -> new long[FIELDS]);
    }

    private static String key(Object hotelCode) {
        return hotelCode == null ? GROUP : (String) hotelCode;
    }

    private static long total(List<Dtos.StepCount> counts, String status) {
        return counts.stream().filter(c -> c.status().equals(status)).mapToLong(Dtos.StepCount::events).sum();
    }

    private static Double ratio(long part, long whole) {
        return whole == 0 ? null : Math.round(1000.0 * part / whole) / 1000.0;
    }

    private static double number(Object value) {
        return value == null ? Double.NaN : ((Number) value).doubleValue();
    }

    private static Double round2(double value) {
        return Double.isNaN(value) ? null : Math.round(value * 100) / 100.0;
    }

    private static Double round(double value) {
        return Double.isNaN(value) ? null : Math.round(value * 10) / 10.0;
    }
}

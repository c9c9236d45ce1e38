package org.guestcrm.desk.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/** The desk API's request and response bodies (never entities, never Avro records). */
public final class Dtos {

    private Dtos() {
    }

    public record GuestContact(String name, String email, String phone, String language) {
    }

    /** An inquiry posted by staff or a web form. */
    public record InquiryRequest(String hotelCode, GuestContact guest, LocalDate arrival, LocalDate departure,
                                 Integer adults, Integer children, Integer rooms, String roomType, String message,
                                 String channel) {
    }

    public record Price(BigDecimal amount, String currency) {
    }

    public record QuoteRequest(String roomType, Integer rooms, LocalDate arrival, LocalDate departure, Price price,
                               Instant validUntil) {
    }

    public record AssignRequest(String assignee, String team) {
    }

    public record CompleteRequest(String outcome, String reason) {
    }

    public record TaskView(UUID id, String tenant, String hotelCode, String kind, String status, UUID leadId,
                           UUID quoteId, String pmsReservationId, String guestId, String assignee, String team,
                           Instant dueAt, int attempt, String outcome, String outcomeReason, String subject,
                           Instant createdAt, Instant updatedAt, Instant doneAt, String doneBy) {
    }

    public record QuoteView(UUID id, UUID leadId, String hotelCode, String roomType, int rooms, LocalDate arrival,
                            LocalDate departure, Price price, Instant validUntil, String status, Instant createdAt,
                            String createdBy) {
    }

    public record LeadView(UUID id, String tenant, String hotelCode, String origin, String status,
                           String pmsSystem, String pmsReservationId, String pmsProfileId, String guestId,
                           GuestContact guest, LocalDate arrival, LocalDate departure, int adults, int children,
                           int rooms, String roomType, String message, String channel, Instant receivedAt,
                           Instant answeredAt, Instant closedAt, String outcomeReason, List<TaskView> tasks,
                           List<QuoteView> quotes, Instant erasedAt) {
    }

    /** The desk's figures of one hotel over a period (leads by the time they were received). */
    public record HotelKpis(String hotelCode, long leadsReceived, long leadsBooked, long leadsLost,
                            long leadsNoAnswer, long leadsOpen, Double conversionRate, long leadsAnswered,
                            Double medianMinutesToAnswer, Double averageMinutesToAnswer,
                            long callBacksAnsweredLate, long quotesSent, long quotesBooked, long quotesExpired,
                            Double quoteConversionRate, long tasksOpenNow, long tasksOverdueNow,
                            long communicationsSent, long communicationsBounced, List<StepCount> communications,
                            DocumentKpis documents, List<ChannelCount> messagesByChannel, ConsentKpis consents,
                            SurveyKpis surveys, SmsSegmentKpis smsSegments, CampaignRevenueKpis campaignRevenue,
                            FeedKpis feeds, CampaignRevenueKpis campaignRevenueByClick,
                            ReservationKpis reservations) {
    }

    /**
     * Reservations mirrored from pms.reservations: {@code known} = the reservations the desk holds now (by their last
     * status in {@code byStatus}); on the UTC days the period touches (the day of the change at the PMS):
     * {@code created} = reservations first seen, {@code changed} = newer snapshots of reservations already held (a
     * cancellation is a change too), {@code cancelled} = snapshots that made a reservation CANCELLED.
     */
    public record ReservationKpis(long known, List<StatusCount> byStatus, long created, long changed, long cancelled) {
    }

    /** Reservations held now with one status. */
    public record StatusCount(String status, long reservations) {
    }

    /**
     * Golden guest records (crm.guests, crm.guest-merges) of the whole tenant: {@code guests} = those the desk knows
     * now (neither merged away nor erased), {@code guestsNew} = of those, first seen in the period; on the UTC days the period
     * touches: merge decisions, guests merged away (the duplicates removed), splits.
     */
    public record GuestKpis(long guests, long guestsNew, long merges, long guestsMerged, long splits) {
    }

    /**
     * The PMS feeds of a hotel (or the group) as the desk sees them now, from pms.reservations: a feed is the events'
     * {@code metadata.source}; healthy while its newest event reached the desk at most {@code staleAfterHours} ago.
     */
    public record FeedKpis(long feeds, long feedsHealthy, long staleAfterHours, List<FeedHealth> list) {
    }

    /** One feed of one hotel: newest event (PMS time), when the desk took it in, healthy now. */
    public record FeedHealth(String hotelCode, String feed, String pmsSystem, Instant lastEventAt,
                             Instant lastReceivedAt, boolean healthy) {
    }

    /**
     * Bookings made in the period (confirmed, checked in or out now) by a golden guest who was sent a campaign mail
     * (crm.communications SENT, step CAMPAIGN:&lt;id&gt;) at most {@code windowDays} before booking; each booking
     * attributed once, to the latest such campaign (last touch). {@code revenue}: the bookings' totals per currency
     * (ReservationChanged.totalAmount, never converted); {@code bookingsWithoutAmount}: attributed bookings whose PMS
     * sent no total.
     */
    public record CampaignRevenueKpis(long windowDays, long bookingsAttributed, long bookingsWithoutAmount,
                                      List<Amount> revenue, List<CampaignRevenue> campaigns) {
    }

    /** An amount in one currency. */
    public record Amount(String currency, BigDecimal amount) {
    }

    /** The bookings and revenue attributed to one campaign. */
    public record CampaignRevenue(String campaignId, long bookings, long bookingsWithoutAmount, List<Amount> revenue) {
    }

    /**
     * Post-stay survey answers (crm.survey-responses, the latest revision of each response) first given in the period:
     * how many, promoters (9-10), passives (7-8), detractors (0-6), {@code nps} = % promoters - % detractors,
     * the average score (0-10), the average rating (1-5) of each aspect rated; {@code surveysSent} = POST_STAY_SURVEY
     * communications SENT on the UTC days the period touches, {@code responseRate} = responses / surveys sent (null
     * when the desk saw none sent; answers to surveys sent before the period count too, so it can exceed 1).
     */
    public record SurveyKpis(long responses, long promoters, long passives, long detractors, Double nps,
                             Double averageScore, long surveysSent, Double responseRate, List<AspectRating> aspects) {
    }

    /** The average 1-5 rating of one survey aspect (e.g. room, staff) over the answers that rated it. */
    public record AspectRating(String aspect, long ratings, Double averageRating) {
    }

    /**
     * SMS sent on the UTC days the period touches and the segments they took (what SMS providers bill), from
     * CommunicationEvent.segments. {@code smsWithoutSegmentCount}: SMS sent whose event carried no segment count
     * (unknown; older journey events), so {@code segments} is then a lower bound, as {@code note} says.
     */
    public record SmsSegmentKpis(long smsSent, long segments, long smsWithoutSegmentCount, String note) {
    }

    /**
     * The marketing consent of the contact points the consent ledger (crm.consents) holds for the hotel (scoped to it
     * or given there; the group: every point of the tenant) as it stands now: how many points, granted, withdrawn,
     * {@code consentRate} = granted / (granted + withdrawn); and the marketing opt-outs (a point that became
     * withdrawn) and opt-ins (became granted) that took effect on the UTC days the period touches.
     */
    public record ConsentKpis(long marketingContactPoints, long marketingGranted, long marketingWithdrawn,
                              Double consentRate, long optOuts, long optIns) {
    }

    /**
     * Golden guest records merged (crm.guest-merges) on the UTC days the period touches: merge decisions, guests
     * merged away into another (the duplicates removed), splits. For the whole tenant only: a merge names no hotel.
     */
    public record MergeKpis(long merges, long guestsMerged, long splits) {
    }

    /**
     * The documents owed (not NOT_OWED) that fell due in the period: how many, sent (or opened), opened, missing now
     * (the alerts), sent after their due time; and those not owed after all.
     */
    public record DocumentKpis(long due, long sent, long opened, long missing, long sentLate, long notOwed) {
    }

    /** Messages the CRM sent on one channel: the cost side. */
    public record ChannelCount(String channel, long sent) {
    }

    /** One UTC day of the period: leads received (and of them booked), communications sent. */
    public record DayCount(String day, long leadsReceived, long leadsBooked, long communicationsSent) {
    }

    /** Communications of one journey step, channel and outcome (what the CRM sent and what came of it). */
    public record StepCount(String step, String channel, String status, long events) {
    }

    /**
     * The figures of each hotel and of the whole group (the tenant, or the hotel asked for) over [from, to), per UTC
     * day, and the figures of the issue this service cannot compute (and why); {@code guestMerges} and
     * {@code goldenGuests} are null when one hotel is asked for (a golden guest and a merge name no hotel).
     */
    public record Kpis(String tenant, Instant from, Instant to, List<HotelKpis> hotels, HotelKpis group,
                       List<DayCount> days, List<String> notComputedHere, MergeKpis guestMerges,
                       GuestKpis goldenGuests) {
    }
}

package org.guestcrm.desk.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import io.quarkus.qute.TemplateData;

/**
 * What the figures page shows, prepared for the template: the table (one row for the group, one per hotel) and the
 * bar charts as inline SVG geometry (leads per hotel; leads and messages per day), so the page needs no JavaScript.
 */
@TemplateData
public record KpiPageModel(String title, List<Column> columns, List<Row> rows, List<Chart> charts,
                           List<Channel> channels, List<String> notComputedHere, Merges merges,
                           List<AspectRow> aspects, List<String> notes, List<RevenueRow> revenue,
                           long attributionWindowDays, List<RevenueRow> revenueByClick,
                           List<StatusRow> reservationStatuses) {

    /** The reservations held now with one status in one scope (group or hotel). */
    @TemplateData
    public record StatusRow(String scope, String status, long reservations) {
    }

    /** The bookings and revenue in one currency attributed to one campaign in one scope (group or hotel). */
    @TemplateData
    public record RevenueRow(String scope, String campaign, long bookings, String currency, String amount) {
    }

    /** The average rating of one survey aspect in one scope (group or hotel). */
    @TemplateData
    public record AspectRow(String scope, String aspect, long ratings, String average) {
    }

    /** Golden records merged in the period (the whole group; null when one hotel is shown). */
    @TemplateData
    public record Merges(long merges, long guestsMerged, long splits, long guests, long guestsNew) {
    }

    @TemplateData
    public record Column(String key, String label) {
    }

    @TemplateData
    public record Cell(String key, String value) {
    }

    @TemplateData
    public record Row(String scope, String hotel, String label, List<Cell> cells) {
    }

    @TemplateData
    public record Bar(int x, int y, int width, int height, String css, String label, int textX, int textY, String value) {
    }

    @TemplateData
    public record Axis(int x, int y, String label) {
    }

    @TemplateData
    public record Chart(String id, String title, String description, int width, int height, int baseline,
                        List<Bar> bars, List<Axis> labels, List<Legend> legend) {
    }

    @TemplateData
    public record Legend(String css, String label) {
    }

    @TemplateData
    public record Channel(String scope, String channel, long sent) {
    }

    private record Figure(String key, String label, Function<Dtos.HotelKpis, Object> value) {
    }

    private static final List<Figure> FIGURES = List.of(
            new Figure("leadsReceived", "Leads received", Dtos.HotelKpis::leadsReceived),
            new Figure("leadsBooked", "Booked", Dtos.HotelKpis::leadsBooked),
            new Figure("leadsLost", "Lost", Dtos.HotelKpis::leadsLost),
            new Figure("leadsNoAnswer", "No answer", Dtos.HotelKpis::leadsNoAnswer),
            new Figure("leadsOpen", "Open", Dtos.HotelKpis::leadsOpen),
            new Figure("conversionRate", "Conversion", h -> percent(h.conversionRate())),
            new Figure("medianMinutesToAnswer", "Median minutes to answer", Dtos.HotelKpis::medianMinutesToAnswer),
            new Figure("callBacksAnsweredLate", "Call-backs late", Dtos.HotelKpis::callBacksAnsweredLate),
            new Figure("quotesSent", "Quotes", Dtos.HotelKpis::quotesSent),
            new Figure("quotesBooked", "Quotes booked", Dtos.HotelKpis::quotesBooked),
            new Figure("tasksOpenNow", "Tasks open now", Dtos.HotelKpis::tasksOpenNow),
            new Figure("tasksOverdueNow", "Tasks overdue now", Dtos.HotelKpis::tasksOverdueNow),
            new Figure("documentsDue", "Documents due", h -> h.documents().due()),
            new Figure("documentsSent", "Documents sent", h -> h.documents().sent()),
            new Figure("documentsMissing", "Documents missing", h -> h.documents().missing()),
            new Figure("documentsSentLate", "Documents sent late", h -> h.documents().sentLate()),
            new Figure("reservationsKnown", "Reservations mirrored", h -> h.reservations().known()),
            new Figure("reservationsCreated", "Reservations new", h -> h.reservations().created()),
            new Figure("reservationsChanged", "Reservations changed", h -> h.reservations().changed()),
            new Figure("reservationsCancelled", "Reservations cancelled", h -> h.reservations().cancelled()),
            new Figure("communicationsSent", "Messages sent", Dtos.HotelKpis::communicationsSent),
            new Figure("communicationsBounced", "Bounced", Dtos.HotelKpis::communicationsBounced),
            new Figure("consentMarketingContactPoints", "Marketing consents known",
                    h -> h.consents().marketingContactPoints()),
            new Figure("consentRate", "Consent rate", h -> percent(h.consents().consentRate())),
            new Figure("consentOptOuts", "Opt-outs", h -> h.consents().optOuts()),
            new Figure("consentOptIns", "Opt-ins", h -> h.consents().optIns()),
            new Figure("surveyResponses", "Survey responses", h -> h.surveys().responses()),
            new Figure("nps", "NPS", h -> h.surveys().nps()),
            new Figure("surveyAverageScore", "Average score (0-10)", h -> h.surveys().averageScore()),
            new Figure("surveyDetractors", "Detractors", h -> h.surveys().detractors()),
            new Figure("surveysSent", "Surveys sent", h -> h.surveys().surveysSent()),
            new Figure("surveyResponseRate", "Response rate", h -> percent(h.surveys().responseRate())),
            new Figure("campaignBookings", "Bookings after a campaign", h -> h.campaignRevenue().bookingsAttributed()),
            new Figure("clickBookings", "Bookings after a campaign click",
                    h -> h.campaignRevenueByClick().bookingsAttributed()),
            new Figure("feedsHealthy", "Feeds healthy", h -> h.feeds().feedsHealthy() + " of " + h.feeds().feeds()),
            new Figure("smsSent", "SMS sent", h -> h.smsSegments().smsSent()),
            new Figure("smsSegments", "SMS segments", h -> h.smsSegments().segments()),
            new Figure("smsWithoutSegmentCount", "SMS without segment count",
                    h -> h.smsSegments().smsWithoutSegmentCount()));

    static KpiPageModel of(Dtos.Kpis kpis) {
        List<Column> columns = FIGURES.stream().map(f -> new Column(f.key(), f.label())).toList();
        List<Row> rows = new ArrayList<>();
        rows.add(row("group", "", "Group (all hotels" + (kpis.hotels().size() == 1 ? ": " + kpis.hotels().getFirst().hotelCode() : "") + ")", kpis.group()));
        kpis.hotels().forEach(h -> rows.add(row("hotel", h.hotelCode(), h.hotelCode(), h)));
        List<Channel> channels = new ArrayList<>();
        kpis.group().messagesByChannel().forEach(c -> channels.add(new Channel("group", c.channel(), c.sent())));
        kpis.hotels().forEach(h -> h.messagesByChannel().forEach(c -> channels.add(new Channel(h.hotelCode(), c.channel(), c.sent()))));
        List<Chart> charts = List.of(hotelChart(kpis.hotels()), dayChart(kpis.days()));
        List<AspectRow> aspects = new ArrayList<>();
        kpis.group().surveys().aspects().forEach(a -> aspects.add(aspect("group", a)));
        kpis.hotels().forEach(h -> h.surveys().aspects().forEach(a -> aspects.add(aspect(h.hotelCode(), a))));
        List<RevenueRow> revenue = new ArrayList<>();
        revenueRows("group", kpis.group().campaignRevenue(), revenue);
        kpis.hotels().forEach(h -> revenueRows(h.hotelCode(), h.campaignRevenue(), revenue));
        List<RevenueRow> byClick = new ArrayList<>();
        revenueRows("group", kpis.group().campaignRevenueByClick(), byClick);
        kpis.hotels().forEach(h -> revenueRows(h.hotelCode(), h.campaignRevenueByClick(), byClick));
        List<StatusRow> statuses = new ArrayList<>();
        kpis.group().reservations().byStatus().forEach(r -> statuses.add(new StatusRow("group", r.status(), r.reservations())));
        kpis.hotels().forEach(h -> h.reservations().byStatus()
                .forEach(r -> statuses.add(new StatusRow(h.hotelCode(), r.status(), r.reservations()))));
        List<String> notes = new ArrayList<>();
        if (kpis.group().smsSegments().note() != null) {
            notes.add(kpis.group().smsSegments().note() + ".");
        }
        return new KpiPageModel("Desk figures of " + kpis.tenant() + ", " + kpis.from() + " to " + kpis.to(), columns,
                rows, charts, channels, kpis.notComputedHere(), kpis.goldenGuests() == null ? null
                        : new Merges(kpis.goldenGuests().merges(), kpis.goldenGuests().guestsMerged(),
                                kpis.goldenGuests().splits(), kpis.goldenGuests().guests(),
                                kpis.goldenGuests().guestsNew()), aspects, notes, revenue,
                kpis.group().campaignRevenue().windowDays(), byClick, statuses);
    }

    private static void revenueRows(String scope, Dtos.CampaignRevenueKpis attributed, List<RevenueRow> rows) {
        for (Dtos.CampaignRevenue campaign : attributed.campaigns()) {
            for (Dtos.Amount amount : campaign.revenue()) {
                rows.add(new RevenueRow(scope, campaign.campaignId(), campaign.bookings(), amount.currency(),
                        amount.amount().toPlainString()));
            }
            if (campaign.revenue().isEmpty()) {
                rows.add(new RevenueRow(scope, campaign.campaignId(), campaign.bookings(), "–", "–"));
            }
        }
    }

    private static AspectRow aspect(String scope, Dtos.AspectRating rating) {
        return new AspectRow(scope, rating.aspect(), rating.ratings(), rating.averageRating() == null ? "–"
                : String.format(Locale.ROOT, "%.2f", rating.averageRating()));
    }

    private static Row row(String scope, String hotel, String label, Dtos.HotelKpis h) {
        return new Row(scope, hotel, label, FIGURES.stream().map(f -> {
            Object v = f.value().apply(h);
            return new Cell(f.key(), v == null ? "–" : v.toString());
        }).toList());
    }

    private static String percent(Double ratio) {
        return ratio == null ? null : String.format(Locale.ROOT, "%.1f %%", ratio * 100);
    }

    /** Leads received and booked per hotel: two bars a hotel. */
    private static Chart hotelChart(List<Dtos.HotelKpis> hotels) {
        int plot = 200;
        int top = 20;
        int group = 70;
        int width = Math.max(320, 60 + hotels.size() * group);
        long max = Math.max(1, hotels.stream().mapToLong(Dtos.HotelKpis::leadsReceived).max().orElse(1));
        List<Bar> bars = new ArrayList<>();
        List<Axis> labels = new ArrayList<>();
        for (int i = 0; i < hotels.size(); i++) {
            Dtos.HotelKpis h = hotels.get(i);
            int x = 50 + i * group;
            bars.add(bar(x, 24, h.leadsReceived(), max, plot, top, "received", h.hotelCode() + ": " + h.leadsReceived() + " leads received"));
            bars.add(bar(x + 26, 24, h.leadsBooked(), max, plot, top, "booked", h.hotelCode() + ": " + h.leadsBooked() + " booked"));
            labels.add(new Axis(x + 25, top + plot + 16, h.hotelCode()));
        }
        return new Chart("chart-hotels", "Leads per hotel", "Bars per hotel: leads received and of them booked in the period; most "
                + max + ".", width, top + plot + 30, top + plot, bars, labels,
                List.of(new Legend("received", "received"), new Legend("booked", "booked")));
    }

    /** Leads received and messages sent per UTC day: two bars a day (the last 92 days of a longer period). */
    private static Chart dayChart(List<Dtos.DayCount> allDays) {
        List<Dtos.DayCount> days = allDays.size() > 92 ? allDays.subList(allDays.size() - 92, allDays.size()) : allDays;
        int plot = 160;
        int top = 20;
        int step = days.size() > 31 ? 9 : 22;
        int width = Math.max(320, 60 + days.size() * step);
        long max = Math.max(1, days.stream().mapToLong(d -> Math.max(d.leadsReceived(), d.communicationsSent())).max().orElse(1));
        List<Bar> bars = new ArrayList<>();
        List<Axis> labels = new ArrayList<>();
        int bw = Math.max(3, step / 2 - 1);
        for (int i = 0; i < days.size(); i++) {
            Dtos.DayCount d = days.get(i);
            int x = 50 + i * step;
            bars.add(bar(x, bw, d.leadsReceived(), max, plot, top, "received", d.day() + ": " + d.leadsReceived() + " leads received"));
            bars.add(bar(x + bw, bw, d.communicationsSent(), max, plot, top, "sent", d.day() + ": " + d.communicationsSent() + " messages sent"));
            if (i == 0 || i == days.size() - 1 || (days.size() <= 14) || i % 7 == 0) {
                labels.add(new Axis(x + bw, top + plot + 16, d.day().substring(5)));
            }
        }
        return new Chart("chart-days", "Per day (UTC)", "Bars per day: leads received and messages sent; most " + max + ".",
                width, top + plot + 30, top + plot, bars, labels,
                List.of(new Legend("received", "leads received"), new Legend("sent", "messages sent")));
    }

    private static Bar bar(int x, int width, long value, long max, int plot, int top, String css, String label) {
        int height = (int) Math.round((double) value * plot / max);
        int y = top + plot - height;
        return new Bar(x, y, width, height, css, label, x + width / 2, y - 3, Long.toString(value));
    }
}

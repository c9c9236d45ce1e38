package org.guestcrm.desk.api;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The desk's figures as CSV (RFC 4180, comma, CRLF): a header, one row for the group, then one per hotel (the merges of
 * golden records only in the group's row; reservations mirrored, golden guests (group row), reservations by status,
 * one column a status; the messages per channel, one column a channel, the campaign revenue
 * per currency, then the average survey rating per aspect, one column an aspect). A text cell
 * that a spreadsheet would run as a formula (=, +, -, @) is prefixed with an apostrophe.
 */
final class KpiCsv {

    private KpiCsv() {
    }

    static String of(Dtos.Kpis kpis) {
        TreeSet<String> channels = new TreeSet<>();
        kpis.group().messagesByChannel().forEach(c -> channels.add(c.channel()));
        kpis.hotels().forEach(h -> h.messagesByChannel().forEach(c -> channels.add(c.channel())));
        TreeSet<String> currencies = new TreeSet<>();
        kpis.group().campaignRevenue().revenue().forEach(a -> currencies.add(a.currency()));
        kpis.hotels().forEach(h -> h.campaignRevenue().revenue().forEach(a -> currencies.add(a.currency())));
        TreeSet<String> clickCurrencies = new TreeSet<>();
        kpis.group().campaignRevenueByClick().revenue().forEach(a -> clickCurrencies.add(a.currency()));
        kpis.hotels().forEach(h -> h.campaignRevenueByClick().revenue().forEach(a -> clickCurrencies.add(a.currency())));
        TreeSet<String> statuses = new TreeSet<>();
        kpis.group().reservations().byStatus().forEach(r -> statuses.add(r.status()));
        kpis.hotels().forEach(h -> h.reservations().byStatus().forEach(r -> statuses.add(r.status())));
        TreeSet<String> aspects = new TreeSet<>();
        kpis.group().surveys().aspects().forEach(a -> aspects.add(a.aspect()));
        kpis.hotels().forEach(h -> h.surveys().aspects().forEach(a -> aspects.add(a.aspect())));
        List<String> header = new ArrayList<>(List.of("scope", "hotel", "from", "to", "leadsReceived", "leadsBooked",
                "leadsLost", "leadsNoAnswer", "leadsOpen", "conversionRate", "leadsAnswered", "medianMinutesToAnswer",
                "averageMinutesToAnswer", "callBacksAnsweredLate", "quotesSent", "quotesBooked", "quotesExpired",
                "quoteConversionRate", "tasksOpenNow", "tasksOverdueNow", "communicationsSent", "communicationsBounced",
                "documentsDue", "documentsSent", "documentsOpened", "documentsMissing", "documentsSentLate",
                "documentsNotOwed", "consentMarketingContactPoints", "consentMarketingGranted",
                "consentMarketingWithdrawn", "consentRate", "consentOptOuts", "consentOptIns", "guestMerges",
                "guestsMerged", "guestSplits", "surveyResponses", "surveyPromoters", "surveyPassives",
                "surveyDetractors", "nps", "surveyAverageScore", "surveysSent", "surveyResponseRate", "smsSent",
                "smsSegments", "smsWithoutSegmentCount", "campaignAttributionWindowDays", "campaignBookings",
                "campaignBookingsWithoutAmount"));
        currencies.forEach(c -> header.add("campaignRevenue:" + c));
        header.addAll(List.of("feeds", "feedsHealthy", "clickBookings", "clickBookingsWithoutAmount"));
        clickCurrencies.forEach(c -> header.add("clickRevenue:" + c));
        header.addAll(List.of("reservationsKnown", "reservationsCreated", "reservationsChanged",
                "reservationsCancelled", "goldenGuests", "goldenGuestsNew"));
        statuses.forEach(st -> header.add("reservations:" + st));
        channels.forEach(c -> header.add("messagesSent" + c));
        aspects.forEach(a -> header.add("surveyRating:" + a));
        StringBuilder out = new StringBuilder();
        line(out, header);
        line(out, row("group", kpis, kpis.group(), channels, currencies, clickCurrencies, statuses, aspects));
        for (Dtos.HotelKpis hotel : kpis.hotels()) {
            line(out, row("hotel", kpis, hotel, channels, currencies, clickCurrencies, statuses, aspects));
        }
        return out.toString();
    }

    private static List<String> row(String scope, Dtos.Kpis kpis, Dtos.HotelKpis h, TreeSet<String> channels,
                                    TreeSet<String> currencies, TreeSet<String> clickCurrencies,
                                    TreeSet<String> statuses, TreeSet<String> aspects) {
        List<String> cells = new ArrayList<>(List.of(scope, h.hotelCode() == null ? "" : h.hotelCode(),
                kpis.from().toString(), kpis.to().toString(), n(h.leadsReceived()), n(h.leadsBooked()), n(h.leadsLost()),
                n(h.leadsNoAnswer()), n(h.leadsOpen()), n(h.conversionRate()), n(h.leadsAnswered()),
                n(h.medianMinutesToAnswer()), n(h.averageMinutesToAnswer()), n(h.callBacksAnsweredLate()),
                n(h.quotesSent()), n(h.quotesBooked()), n(h.quotesExpired()), n(h.quoteConversionRate()),
                n(h.tasksOpenNow()), n(h.tasksOverdueNow()), n(h.communicationsSent()), n(h.communicationsBounced()),
                n(h.documents().due()), n(h.documents().sent()), n(h.documents().opened()), n(h.documents().missing()),
                n(h.documents().sentLate()), n(h.documents().notOwed()), n(h.consents().marketingContactPoints()),
                n(h.consents().marketingGranted()), n(h.consents().marketingWithdrawn()), n(h.consents().consentRate()),
                n(h.consents().optOuts()), n(h.consents().optIns())));
        // Merges name no hotel: the group row carries them (when the whole group is asked for), hotel rows stay empty.
        Dtos.MergeKpis merges = "group".equals(scope) ? kpis.guestMerges() : null;
        cells.add(merges == null ? "" : n(merges.merges()));
        cells.add(merges == null ? "" : n(merges.guestsMerged()));
        cells.add(merges == null ? "" : n(merges.splits()));
        Dtos.SurveyKpis surveys = h.surveys();
        cells.addAll(List.of(n(surveys.responses()), n(surveys.promoters()), n(surveys.passives()),
                n(surveys.detractors()), n(surveys.nps()), n(surveys.averageScore()), n(surveys.surveysSent()),
                n(surveys.responseRate()), n(h.smsSegments().smsSent()), n(h.smsSegments().segments()),
                n(h.smsSegments().smsWithoutSegmentCount())));
        Dtos.CampaignRevenueKpis revenue = h.campaignRevenue();
        cells.addAll(List.of(n(revenue.windowDays()), n(revenue.bookingsAttributed()),
                n(revenue.bookingsWithoutAmount())));
        for (String currency : currencies) {
            cells.add(revenue.revenue().stream().filter(a -> a.currency().equals(currency)).findFirst()
                    .map(a -> a.amount().toPlainString()).orElse(""));
        }
        Dtos.CampaignRevenueKpis byClick = h.campaignRevenueByClick();
        cells.addAll(List.of(n(h.feeds().feeds()), n(h.feeds().feedsHealthy()), n(byClick.bookingsAttributed()),
                n(byClick.bookingsWithoutAmount())));
        for (String currency : clickCurrencies) {
            cells.add(byClick.revenue().stream().filter(a -> a.currency().equals(currency)).findFirst()
                    .map(a -> a.amount().toPlainString()).orElse(""));
        }
        Dtos.ReservationKpis reservations = h.reservations();
        cells.addAll(List.of(n(reservations.known()), n(reservations.created()), n(reservations.changed()),
                n(reservations.cancelled())));
        // Golden guests name no hotel: the group row carries them (when the whole group is asked for).
        Dtos.GuestKpis guests = "group".equals(scope) ? kpis.goldenGuests() : null;
        cells.add(guests == null ? "" : n(guests.guests()));
        cells.add(guests == null ? "" : n(guests.guestsNew()));
        for (String status : statuses) {
            cells.add(n(reservations.byStatus().stream().filter(r -> r.status().equals(status))
                    .mapToLong(Dtos.StatusCount::reservations).sum()));
        }
        for (String channel : channels) {
            cells.add(n(h.messagesByChannel().stream().filter(c -> c.channel().equals(channel))
                    .mapToLong(Dtos.ChannelCount::sent).sum()));
        }
        for (String aspect : aspects) {
            cells.add(n(surveys.aspects().stream().filter(a -> a.aspect().equals(aspect)).findFirst()
                    .map(Dtos.AspectRating::averageRating).orElse(null)));
        }
        return cells;
    }

    private static String n(Number value) {
        return value == null ? "" : value.toString();
    }

    private static void line(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(cell(cells.get(i)));
        }
        out.append("\r\n");
    }

    static String cell(String value) {
        String text = value;
        if (!text.isEmpty() && "=+-@".indexOf(text.charAt(0)) >= 0 && !text.matches("-?[0-9.]+")) {
            text = "'" + text;
        }
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            text = "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }
}

package org.guestcrm.connector.api;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.guestcrm.connector.domain.CanonicalLimits;
import org.guestcrm.connector.domain.FeedKind;
import org.guestcrm.platform.api.Problem;

/**
 * The feed administration API's body (POST, PUT) and answer. Every field is read as text and checked here, so a bad
 * value is a 400 naming the field (never echoing the value), not a Jackson type error.
 */
public final class FeedDefinition {

    /** Feed ids are the pmsSystem of every event, in keys and logs: short, lower case, no spaces. */
    static final Pattern FEED_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    static final int MAX_HOTELS = 500;

    private FeedDefinition() {
    }

    @Schema(name = "FeedRequest", description = "A feed: one PMS source of one tenant for one or more hotels")
    public record Request(
            @Schema(description = "Id of the feed (POST only; on PUT it must be absent or equal the path), [a-z0-9._-], at most 64; it is the pmsSystem of the feed's events", examples = "berlin-opera")
            String feedId,
            @Schema(description = "How the PMS delivers: OTA_XML (OpenTravel push), CANONICAL_JSON (canonical JSON push), APALEO_WEBHOOK or MEWS_WEBHOOK (the vendor's webhooks; the state is fetched from its API, see /api/v1/feeds/{feedId}/pms-api), JSON_POLLING, OTA_POLLING (OTA_ReadRQ by LastUpdateDate) or ALPINEBITS_POLLING (AlpineBits GuestRequests): the connector polls the PMS API, per hotel for the OTA kinds", required = true, examples = "OTA_XML")
            String deliveryMode,
            @Schema(description = "The PMS product, at most 64 characters", examples = "opera")
            String pmsType,
            @Schema(description = "Free text, at most 128 characters")
            String description,
            @Schema(description = "ISO 4217 currency of amounts the PMS sends without one", examples = "EUR")
            String defaultCurrency,
            @Schema(description = "The hotels the feed delivers for")
            List<Hotel> hotels,
            @Schema(description = "ACTIVE (default) or PAUSED")
            String status,
            @Schema(description = "Days the feed's raw archive (accepted and refused messages) is kept, 1-3650; absent: the connector's default (connector.retention.archive)", examples = "30")
            Integer archiveRetentionDays) {
    }

    @Schema(name = "ArchiveRetention", description = "How long the feed's raw archive is kept")
    public record Retention(
            @Schema(description = "Days an archived message is kept (after it was received; a refused one after it was last refused)")
            long days,
            @Schema(description = "FEED when the feed sets it, DEFAULT when it is the connector's default")
            String source) {
    }

    public record Hotel(
            @Schema(description = "The PMS hotel code (as in the events' hotelCode)", required = true, examples = "BERHB")
            String hotelCode,
            @Schema(description = "IANA time zone of the hotel", examples = "Europe/Berlin")
            String timeZone,
            @Schema(description = "ISO 3166-1 alpha-2 country of the hotel", examples = "DE")
            String countryCode) {
    }

    @Schema(name = "Feed")
    public record View(String feedId, String tenant, String deliveryMode, String pmsType, String description,
                       String defaultCurrency, List<Hotel> hotels, String status, String pushPath, Instant createdAt,
                       Instant updatedAt, Retention archiveRetention) {
    }

    /** A checked request. */
    record Valid(String feedId, FeedKind kind, String pmsType, String description, String defaultCurrency,
                 List<Hotel> hotels, boolean active, Integer archiveRetentionDays) {
    }

    /** Checks a request; {@code pathFeedId} is null on POST. Every problem names its field. */
    static Valid check(Request request, String pathFeedId, List<Problem.InvalidParam> problems) {
        if (request == null) {
            problems.add(new Problem.InvalidParam("body", "a feed object is required"));
            return null;
        }
        String feedId = request.feedId();
        if (pathFeedId == null) {
            if (feedId == null || feedId.isBlank()) {
                problems.add(new Problem.InvalidParam("feedId", "is required"));
            } else if (!FEED_ID.matcher(feedId).matches()) {
                problems.add(new Problem.InvalidParam("feedId", "must be 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit"));
            }
        } else if (feedId != null && !feedId.equals(pathFeedId)) {
            problems.add(new Problem.InvalidParam("feedId", "must equal the feed id of the path (a feed id never changes)"));
        }
        FeedKind kind = null;
        if (request.deliveryMode() == null || request.deliveryMode().isBlank()) {
            problems.add(new Problem.InvalidParam("deliveryMode", "is required (OTA_XML, CANONICAL_JSON, APALEO_WEBHOOK, MEWS_WEBHOOK, JSON_POLLING, OTA_POLLING or ALPINEBITS_POLLING)"));
        } else {
            try {
                kind = FeedKind.valueOf(request.deliveryMode().trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add(new Problem.InvalidParam("deliveryMode", "must be OTA_XML, CANONICAL_JSON, APALEO_WEBHOOK, MEWS_WEBHOOK, JSON_POLLING, OTA_POLLING or ALPINEBITS_POLLING"));
            }
        }
        String pmsType = trimToNull(request.pmsType());
        if (pmsType != null && pmsType.length() > 64) {
            problems.add(new Problem.InvalidParam("pmsType", "must be at most 64 characters"));
        }
        String description = trimToNull(request.description());
        if (description != null && description.length() > 128) {
            problems.add(new Problem.InvalidParam("description", "must be at most 128 characters"));
        }
        String currency = trimToNull(request.defaultCurrency());
        if (currency != null && !currency.matches("[A-Z]{3}")) {
            problems.add(new Problem.InvalidParam("defaultCurrency", "must be an ISO 4217 code such as EUR"));
        }
        boolean active = true;
        if (request.status() != null) {
            switch (request.status().trim().toUpperCase(Locale.ROOT)) {
                case "ACTIVE" -> active = true;
                case "PAUSED" -> active = false;
                default -> problems.add(new Problem.InvalidParam("status", "must be ACTIVE or PAUSED"));
            }
        }
        List<Hotel> hotels = new ArrayList<>();
        List<Hotel> given = request.hotels() == null ? List.of() : request.hotels();
        if (given.size() > MAX_HOTELS) {
            problems.add(new Problem.InvalidParam("hotels", "must hold at most " + MAX_HOTELS + " hotels"));
            given = List.of();
        }
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < given.size(); i++) {
            Hotel hotel = given.get(i);
            String at = "hotels[" + i + "]";
            if (hotel == null) {
                problems.add(new Problem.InvalidParam(at, "must be an object"));
                continue;
            }
            String code = trimToNull(hotel.hotelCode());
            if (code == null) {
                problems.add(new Problem.InvalidParam(at + ".hotelCode", "is required"));
            } else if (code.length() > CanonicalLimits.HOTEL_CODE) {
                problems.add(new Problem.InvalidParam(at + ".hotelCode", "must be at most " + CanonicalLimits.HOTEL_CODE + " characters"));
            } else if (!codes.add(code)) {
                problems.add(new Problem.InvalidParam(at + ".hotelCode", "appears twice"));
            }
            String zone = trimToNull(hotel.timeZone());
            if (zone != null) {
                try {
                    if (zone.length() > 64 || !zone.contains("/")) {
                        throw new DateTimeException("not a region");
                    }
                    ZoneId.of(zone);
                } catch (DateTimeException e) {
                    problems.add(new Problem.InvalidParam(at + ".timeZone", "must be an IANA time zone such as Europe/Berlin"));
                }
            }
            String country = trimToNull(hotel.countryCode());
            if (country != null && !country.matches("[A-Z]{2}")) {
                problems.add(new Problem.InvalidParam(at + ".countryCode", "must be an ISO 3166-1 alpha-2 code such as DE"));
            }
            hotels.add(new Hotel(code, zone, country));
        }
        if (request.archiveRetentionDays() != null && (request.archiveRetentionDays() < 1
                || request.archiveRetentionDays() > 3650)) {
            problems.add(new Problem.InvalidParam("archiveRetentionDays", "must be 1-3650 days"));
        }
        if (kind != null && kind.otaPolled() && given.isEmpty()) {
            problems.add(new Problem.InvalidParam("hotels", "must name at least one hotel for an " + kind
                    + " feed (each read request names its HotelCode)"));
        }
        if (!problems.isEmpty()) {
            return null;
        }
        return new Valid(pathFeedId != null ? pathFeedId : feedId, kind, pmsType, description, currency, hotels, active,
                request.archiveRetentionDays());
    }

    private static String trimToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}

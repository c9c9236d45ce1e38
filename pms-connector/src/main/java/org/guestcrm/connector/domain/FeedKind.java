package org.guestcrm.connector.domain;

/**
 * How a feed delivers: a push format (OTA_XML, CANONICAL_JSON), or a vendor's thin webhooks whose entity state the
 * connector fetches from the vendor's API (APALEO_WEBHOOK: apaleo Booking API; MEWS_WEBHOOK: Mews Connector API), or
 * polling a generic JSON "changes since" API with a persisted cursor (JSON_POLLING), or polling an OpenTravel PMS:
 * OTA_ReadRQ with a LastUpdateDate selection (OTA_POLLING) or AlpineBits GuestRequests with their acknowledgement
 * (ALPINEBITS_POLLING).
 */
public enum FeedKind {
    OTA_XML, CANONICAL_JSON, APALEO_WEBHOOK, MEWS_WEBHOOK, JSON_POLLING, OTA_POLLING, ALPINEBITS_POLLING;

    /** The feeds whose PMS is asked for the state of what a webhook names. */
    public boolean fetchesFromPms() {
        return this == APALEO_WEBHOOK || this == MEWS_WEBHOOK;
    }

    /** The feeds with PMS API settings (base URL, credentials): the webhook feeds and the polled one. */
    public boolean usesPmsApi() {
        return fetchesFromPms() || polled();
    }

    /**
     * The feeds that may hold PMS API settings: those above and OTA_XML push feeds, whose settings are the PMS's
     * endpoint for the write-back ({@code OTA_ProfileModifyRQ}).
     */
    public boolean takesPmsApiSettings() {
        return usesPmsApi() || this == OTA_XML;
    }

    /** The feeds the connector polls on their interval (feed_poll: cursor, lease, attempts). */
    public boolean polled() {
        return this == JSON_POLLING || otaPolled();
    }

    /** The feeds polled with OTA_ReadRQ and answered with OTA_ResRetrieveRS (plain OpenTravel or AlpineBits). */
    public boolean otaPolled() {
        return this == OTA_POLLING || this == ALPINEBITS_POLLING;
    }

    /** Where the PMS sends its messages; null for a polled feed (the connector asks). */
    public String pushPath(String feedId) {
        String suffix = switch (this) {
            case OTA_XML -> "/ota";
            case CANONICAL_JSON -> "/reservations";
            case APALEO_WEBHOOK -> "/apaleo";
            case MEWS_WEBHOOK -> "/mews";
            case JSON_POLLING, OTA_POLLING, ALPINEBITS_POLLING -> null;
        };
        return suffix == null ? null : "/api/v1/feeds/" + feedId + suffix;
    }
}

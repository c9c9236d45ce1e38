package org.guestcrm.connector.vendor;

import java.net.URI;
import java.time.ZoneId;

import org.guestcrm.connector.domain.FeedKind;

/**
 * Where and how a webhook feed fetches: the vendor API's base URL and the feed's credentials for it (decrypted for the
 * call only; {@link #toString()} never shows them), with what the mapping needs to know about the feed.
 *
 * @param hotelCode the feed's hotel when it has exactly one (Mews reservations carry no hotel code), else null
 * @param zone      that hotel's time zone (Mews serves stays in UTC), else UTC
 */
public record PmsApi(String feedId, String tenantId, FeedKind kind, URI baseUrl, String accessToken, String clientToken,
                     String defaultCurrency, String hotelCode, ZoneId zone) {

    @Override
    public String toString() {
        return "PmsApi[feed=" + feedId + ", kind=" + kind + ", baseUrl=" + baseUrl + "]";
    }
}

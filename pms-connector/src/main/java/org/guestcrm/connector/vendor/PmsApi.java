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
 * @param tokenUrl  apaleo: the identity server's token endpoint when the feed uses OAuth client credentials, else null
 * @param username  AlpineBits: the HTTP basic auth user (with {@code password}), else null
 * @param protocolVersion AlpineBits: the X-AlpineBits-ClientProtocolVersion (2018-10, 2020-10), else null
 * @param hotelCodes every hotel code of the feed, in the feed's order (the OTA polled feeds read per hotel)
 */
public record PmsApi(String feedId, String tenantId, FeedKind kind, URI baseUrl, String accessToken, String clientToken,
                     String defaultCurrency, String hotelCode, ZoneId zone, URI tokenUrl, String clientId,
                     String clientSecret, String username, String password, String protocolVersion,
                     java.util.List<String> hotelCodes) {

    /** apaleo by OAuth client credentials (the token is asked for and renewed) rather than a fixed access token. */
    public boolean usesClientCredentials() {
        return clientId != null && clientSecret != null && tokenUrl != null;
    }

    @Override
    public String toString() {
        return "PmsApi[feed=" + feedId + ", kind=" + kind + ", baseUrl=" + baseUrl + "]";
    }
}

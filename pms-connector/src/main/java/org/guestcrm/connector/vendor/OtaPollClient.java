package org.guestcrm.connector.vendor;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.guestcrm.connector.domain.FeedKind;

/**
 * The connector's side of polling an OpenTravel PMS: builds and sends the read request and the AlpineBits
 * acknowledgement, and answers the raw body (at most {@code maxAnswerBytes}) or a {@link FetchFailure}.
 * <ul>
 *   <li>OTA_POLLING: {@code POST {baseUrl}} {@code application/xml} OTA_ReadRQ with
 *       {@code HotelReadRequest@HotelCode} and {@code SelectionCriteria DateType="LastUpdateDate" Start=<cursor>}
 *       (no Start on the first read), {@code Authorization: Bearer <accessToken>}.</li>
 *   <li>ALPINEBITS_POLLING: {@code POST {baseUrl}} {@code multipart/form-data} with the parts {@code action}
 *       ({@code OTA_Read:GuestRequests}, then {@code OTA_NotifReport:GuestRequests}) and {@code request} (the XML),
 *       HTTP basic auth and {@code X-AlpineBits-ClientProtocolVersion}.</li>
 * </ul>
 * 408, 429, 5xx, 401/403 and an unreachable PMS are transient; every failure is retried by the worker with backoff.
 */
public final class OtaPollClient {

    public static final String OTA_NAMESPACE = "http://www.opentravel.org/OTA/2003/05";
    public static final String READ_ACTION = "OTA_Read:GuestRequests";
    public static final String ACK_ACTION = "OTA_NotifReport:GuestRequests";
    public static final String PROTOCOL_VERSION_HEADER = "X-AlpineBits-ClientProtocolVersion";

    private final HttpClient http;
    private final Duration timeout;
    private final int maxAnswerBytes;

    public OtaPollClient(Duration timeout, int maxAnswerBytes) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.timeout = timeout;
        this.maxAnswerBytes = maxAnswerBytes;
    }

    /** Reads one hotel's reservations: the OTA_ResRetrieveRS body as it came. {@code since} null: everything. */
    public byte[] read(PmsApi api, String hotelCode, Instant since) throws FetchFailure {
        return send(api, READ_ACTION, readRequest(api, hotelCode, since), "read of hotel " + hotelCode);
    }

    /** AlpineBits: acknowledges the requests (by their UniqueID) whose events are committed; the OTA_NotifReportRS body. */
    public byte[] acknowledge(PmsApi api, List<String[]> uniqueIds) throws FetchFailure {
        return send(api, ACK_ACTION, notifReport(api, uniqueIds), "acknowledgement");
    }

    static String readRequest(PmsApi api, String hotelCode, Instant since) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OTA_ReadRQ xmlns=\"")
                .append(OTA_NAMESPACE).append('"');
        if (api.kind() == FeedKind.ALPINEBITS_POLLING) {
            xml.append(" Version=\"").append(otaVersion(api)).append("\">");
        } else {
            xml.append(" EchoToken=\"").append(UUID.randomUUID()).append("\" TimeStamp=\"").append(Instant.now())
                    .append("\" Version=\"1.0\">");
        }
        xml.append("<ReadRequests><HotelReadRequest HotelCode=\"").append(escape(hotelCode)).append("\">");
        if (api.kind() == FeedKind.OTA_POLLING) {
            xml.append("<SelectionCriteria DateType=\"LastUpdateDate\"");
            if (since != null) {
                xml.append(" Start=\"").append(since).append('"');
            }
            xml.append("/>");
        } else if (since != null) {
            xml.append("<SelectionCriteria Start=\"").append(since).append("\"/>");
        }
        return xml.append("</HotelReadRequest></ReadRequests></OTA_ReadRQ>").toString();
    }

    static String notifReport(PmsApi api, List<String[]> uniqueIds) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OTA_NotifReportRQ xmlns=\"")
                .append(OTA_NAMESPACE).append("\" Version=\"").append(otaVersion(api)).append("\"><Success/>")
                .append("<NotifDetails><HotelNotifReport><HotelReservations>");
        for (String[] id : uniqueIds) {
            xml.append("<HotelReservation><UniqueID Type=\"").append(escape(id[0])).append("\" ID=\"")
                    .append(escape(id[1])).append("\"/></HotelReservation>");
        }
        return xml.append("</HotelReservations></HotelNotifReport></NotifDetails></OTA_NotifReportRQ>").toString();
    }

    /** The OTA message version AlpineBits pairs with its protocol version (2018-10: 7.000, 2020-10: 8.000). */
    static String otaVersion(PmsApi api) {
        return "2018-10".equals(api.protocolVersion()) ? "7.000" : "8.000";
    }

    private byte[] send(PmsApi api, String action, String xml, String what) throws FetchFailure {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.baseUrl()).timeout(timeout);
        if (api.kind() == FeedKind.ALPINEBITS_POLLING) {
            String boundary = "guestcrm-" + UUID.randomUUID();
            String body = part(boundary, "action", action) + part(boundary, "request", xml) + "--" + boundary + "--\r\n";
            request.header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (api.username() + ":" + api.password()).getBytes(StandardCharsets.UTF_8)))
                    .header(PROTOCOL_VERSION_HEADER, api.protocolVersion() == null ? "2020-10" : api.protocolVersion())
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        } else {
            request.header("Content-Type", "application/xml; charset=UTF-8")
                    .header("Accept", "application/xml")
                    .header("Authorization", "Bearer " + api.accessToken())
                    .POST(HttpRequest.BodyPublishers.ofString(xml, StandardCharsets.UTF_8));
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new FetchFailure(true, what + ": the PMS could not be reached (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchFailure(true, what + ": interrupted");
        }
        int status = response.statusCode();
        byte[] bytes;
        try (InputStream in = response.body()) {
            bytes = in.readNBytes(maxAnswerBytes + 1);
        } catch (IOException e) {
            throw new FetchFailure(true, what + ": the answer could not be read (" + e.getClass().getSimpleName() + ")");
        }
        if (status != 200) {
            boolean retry = status == 401 || status == 403 || status == 408 || status == 429 || status >= 500;
            throw new FetchFailure(retry, what + ": the PMS answered " + status
                    + (status == 401 || status == 403 ? " (check the feed's PMS API credentials)" : ""), status == 401);
        }
        if (bytes.length > maxAnswerBytes) {
            throw new FetchFailure(false, what + ": the answer is larger than " + maxAnswerBytes + " bytes");
        }
        return bytes;
    }

    private static String part(String boundary, String name, String value) {
        return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
                + "\"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + value + "\r\n";
    }

    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c < 0x20 && c != '\t' ? ' ' : c);
            }
        }
        return out.toString();
    }
}

package org.guestcrm.connector.vendor;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.guestcrm.connector.domain.ContactWrite;
import org.guestcrm.connector.domain.FeedKind;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes contact data back to a feed's PMS, contact data only:
 * <ul>
 *   <li>MEWS_WEBHOOK feeds: the Mews Connector API {@code POST /api/connector/v1/customers/update} with
 *       {@code CustomerId} = the profile id and only the fields to change ({@code FirstName, LastName, LanguageCode,
 *       Email, Phone, Address{Line1, Line2, City, PostalCode, CountryCode}, Options{SendMarketingEmails{Value}}});</li>
 *   <li>JSON_POLLING feeds: the generic JSON profile API {@code PATCH /profiles/v1/profiles/{id}}, a JSON merge patch
 *       ({@code firstName, lastName, language, email, phone, address{line1, line2, city, postalCode, countryCode},
 *       marketing{emailOptIn}}; null removes), {@code Authorization: Bearer <accessToken>}, {@code Idempotency-Key}
 *       = the event id.</li>
 * </ul>
 * Both PMSs keep one e-mail, one phone, one address and the e-mail opt-in ({@link ContactWrite#toSingleValued()}); what
 * they cannot take is named in the outcome. A failure says whether to retry: unreachable, timeout, 408, 429, 5xx and
 * refused credentials (401/403, which an admin may fix) are transient; another 4xx is the PMS refusing this write.
 */
public final class PmsWriteClient {

    public static final String MEWS_UPDATE_PATH = "/api/connector/v1/customers/update";
    public static final String PROFILES_PATH = "/profiles/v1/profiles/";

    /** What the PMS holds after the write (for the echo check) and the parts it cannot take (field names). */
    public record Plan(ContactWrite held, List<String> notWritten) {
    }

    private final HttpClient http;
    private final ObjectMapper json;
    private final Duration timeout;
    private final String mewsClient;

    public PmsWriteClient(ObjectMapper json, Duration timeout, String mewsClient) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.json = json;
        this.timeout = timeout;
        this.mewsClient = mewsClient;
    }

    /** The feed kinds whose PMS takes a write-back. */
    public static boolean writesTo(FeedKind kind) {
        return kind == FeedKind.MEWS_WEBHOOK || kind == FeedKind.JSON_POLLING;
    }

    /** What a PMS of this kind holds of {@code write} once it applied it. */
    public static Plan plan(FeedKind kind, ContactWrite write) {
        ContactWrite.Reduced reduced = write.toSingleValued();
        ContactWrite held = reduced.write();
        List<String> notWritten = new ArrayList<>(reduced.notWritten());
        if (kind == FeedKind.MEWS_WEBHOOK && held.emails() != null && held.emails().isEmpty()) {
            // customers/update reads null as "unchanged": Mews has no way to remove the e-mail or phone
            notWritten.add("emails (removal)");
            held = new ContactWrite(held.firstName(), held.lastName(), held.language(), null, held.phones(),
                    held.address(), held.marketingFlags());
        }
        if (kind == FeedKind.MEWS_WEBHOOK && held.phones() != null && held.phones().isEmpty()) {
            notWritten.add("phones (removal)");
            held = new ContactWrite(held.firstName(), held.lastName(), held.language(), held.emails(), null,
                    held.address(), held.marketingFlags());
        }
        return new Plan(held, List.copyOf(notWritten));
    }

    /** Sends the planned write of profile {@code pmsProfileId} to the feed's PMS. */
    public void write(PmsApi api, String pmsProfileId, UUID eventId, Plan plan) throws FetchFailure {
        ContactWrite w = plan.held();
        HttpRequest request;
        if (api.kind() == FeedKind.MEWS_WEBHOOK) {
            ObjectNode body = json.createObjectNode();
            body.put("ClientToken", api.clientToken());
            body.put("AccessToken", api.accessToken());
            body.put("Client", mewsClient);
            body.put("CustomerId", pmsProfileId);
            putIf(body, "FirstName", w.firstName());
            putIf(body, "LastName", w.lastName());
            putIf(body, "LanguageCode", w.language());
            if (w.emails() != null) {
                body.put("Email", w.emails().getFirst());
            }
            if (w.phones() != null) {
                body.put("Phone", w.phones().getFirst());
            }
            if (w.address() != null) {
                ObjectNode address = body.putObject("Address");
                address.put("Line1", w.address().lines().isEmpty() ? null : w.address().lines().getFirst());
                address.put("Line2", w.address().lines().size() < 2 ? null : w.address().lines().get(1));
                address.put("City", w.address().city());
                address.put("PostalCode", w.address().postalCode());
                address.put("CountryCode", w.address().countryCode());
            }
            if (w.marketingFlags() != null && w.marketingFlags().emailOptIn() != null) {
                body.putObject("Options").putObject("SendMarketingEmails").put("Value", w.marketingFlags().emailOptIn());
            }
            request = HttpRequest.newBuilder(api.baseUrl().resolve(MEWS_UPDATE_PATH)).timeout(timeout)
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        } else if (api.kind() == FeedKind.JSON_POLLING) {
            ObjectNode body = json.createObjectNode();
            putIf(body, "firstName", w.firstName());
            putIf(body, "lastName", w.lastName());
            putIf(body, "language", w.language());
            if (w.emails() != null) {
                body.put("email", w.emails().isEmpty() ? null : w.emails().getFirst());
            }
            if (w.phones() != null) {
                body.put("phone", w.phones().isEmpty() ? null : w.phones().getFirst());
            }
            if (w.address() != null) {
                ObjectNode address = body.putObject("address");
                address.put("line1", w.address().lines().isEmpty() ? null : w.address().lines().getFirst());
                address.put("line2", w.address().lines().size() < 2 ? null : w.address().lines().get(1));
                address.put("city", w.address().city());
                address.put("postalCode", w.address().postalCode());
                address.put("countryCode", w.address().countryCode());
            }
            if (w.marketingFlags() != null && w.marketingFlags().emailOptIn() != null) {
                body.putObject("marketing").put("emailOptIn", w.marketingFlags().emailOptIn());
            }
            URI uri = api.baseUrl().resolve(PROFILES_PATH + URLEncoder.encode(pmsProfileId, StandardCharsets.UTF_8)
                    .replace("+", "%20"));
            request = HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Content-Type", "application/merge-patch+json").header("Accept", "application/json")
                    .header("Authorization", "Bearer " + api.accessToken())
                    .header("Idempotency-Key", eventId.toString())
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        } else {
            throw new FetchFailure(false, "a " + api.kind() + " feed takes no write-back");
        }
        HttpResponse<Void> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new FetchFailure(true, "the PMS API could not be reached (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchFailure(true, "interrupted");
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        boolean retry = status == 401 || status == 403 || status == 408 || status == 429 || status >= 500;
        throw new FetchFailure(retry, "the PMS API answered " + status + (status == 401 || status == 403
                ? " (check the feed's PMS API credentials)" : retry ? "" : ": it refused this write"));
    }

    private static void putIf(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}

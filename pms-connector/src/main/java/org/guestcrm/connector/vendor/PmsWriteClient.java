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
    private final ApaleoTokens apaleoTokens;

    private static final java.util.regex.Pattern APALEO_GUEST = java.util.regex.Pattern.compile("(.+)-G([1-9][0-9]{0,2})");

    public PmsWriteClient(ObjectMapper json, Duration timeout, String mewsClient) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.json = json;
        this.timeout = timeout;
        this.mewsClient = mewsClient;
        this.apaleoTokens = new ApaleoTokens(http, json, timeout);
    }

    /** The feed kinds whose PMS takes a write-back. */
    public static boolean writesTo(FeedKind kind) {
        return kind == FeedKind.MEWS_WEBHOOK || kind == FeedKind.JSON_POLLING || kind == FeedKind.APALEO_WEBHOOK
                || kind == FeedKind.OTA_XML;
    }

    /**
     * The marketing flags a PMS of this kind holds: Mews {@code SendMarketingEmails} and {@code SendMarketingPostalMail}
     * (no SMS or phone option); the generic JSON profile API all four channels; apaleo's booking guest (PersonModel)
     * none; OpenTravel {@code ShareMarketInd} on the e-mail, telephone and address written with it and
     * {@code Profile@ShareAllOptOutInd} for "do not contact".
     */
    static java.util.Set<ContactWrite.Flag> flagsHeld(FeedKind kind, ContactWrite write) {
        return switch (kind) {
            case MEWS_WEBHOOK -> java.util.EnumSet.of(ContactWrite.Flag.EMAIL, ContactWrite.Flag.POST);
            case JSON_POLLING -> java.util.EnumSet.of(ContactWrite.Flag.EMAIL, ContactWrite.Flag.SMS,
                    ContactWrite.Flag.PHONE, ContactWrite.Flag.POST);
            case OTA_XML -> {
                java.util.Set<ContactWrite.Flag> held = java.util.EnumSet.of(ContactWrite.Flag.DO_NOT_CONTACT);
                if (write.emails() != null && !write.emails().isEmpty()) {
                    held.add(ContactWrite.Flag.EMAIL);
                }
                if (write.phones() != null && !write.phones().isEmpty()) {
                    held.add(ContactWrite.Flag.PHONE);
                }
                if (write.address() != null) {
                    held.add(ContactWrite.Flag.POST);
                }
                yield held;
            }
            default -> java.util.EnumSet.noneOf(ContactWrite.Flag.class);
        };
    }

    /** What a PMS of this kind holds of {@code write} once it applied it. */
    public static Plan plan(FeedKind kind, ContactWrite write) {
        ContactWrite.Reduced reduced = write.toSingleValued(flagsHeld(kind, write));
        ContactWrite held = reduced.write();
        List<String> notWritten = new ArrayList<>(reduced.notWritten());
        // Mews customers/update and an OTA profile snapshot read an absent e-mail or phone as "unchanged": no removal
        boolean noRemoval = kind == FeedKind.MEWS_WEBHOOK || kind == FeedKind.OTA_XML;
        if (noRemoval && held.emails() != null && held.emails().isEmpty()) {
            notWritten.add("emails (removal)");
            held = new ContactWrite(held.firstName(), held.lastName(), held.language(), null, held.phones(),
                    held.address(), held.marketingFlags());
        }
        if (noRemoval && held.phones() != null && held.phones().isEmpty()) {
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
            if (w.marketingFlags() != null) {
                ObjectNode options = json.createObjectNode();
                if (w.marketingFlags().emailOptIn() != null) {
                    options.putObject("SendMarketingEmails").put("Value", w.marketingFlags().emailOptIn());
                }
                if (w.marketingFlags().postOptIn() != null) {
                    options.putObject("SendMarketingPostalMail").put("Value", w.marketingFlags().postOptIn());
                }
                if (!options.isEmpty()) {
                    body.set("Options", options);
                }
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
            if (w.marketingFlags() != null) {
                ObjectNode marketing = body.putObject("marketing");
                putIf(marketing, "emailOptIn", w.marketingFlags().emailOptIn());
                putIf(marketing, "smsOptIn", w.marketingFlags().smsOptIn());
                putIf(marketing, "phoneOptIn", w.marketingFlags().phoneOptIn());
                putIf(marketing, "postOptIn", w.marketingFlags().postOptIn());
            }
            URI uri = api.baseUrl().resolve(PROFILES_PATH + URLEncoder.encode(pmsProfileId, StandardCharsets.UTF_8)
                    .replace("+", "%20"));
            request = HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Content-Type", "application/merge-patch+json").header("Accept", "application/json")
                    .header("Authorization", "Bearer " + api.accessToken())
                    .header("Idempotency-Key", eventId.toString())
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        } else if (api.kind() == FeedKind.APALEO_WEBHOOK) {
            writeApaleo(api, pmsProfileId, w);
            return;
        } else if (api.kind() == FeedKind.OTA_XML) {
            writeOta(api, pmsProfileId, eventId, w);
            return;
        } else {
            throw new FetchFailure(false, "a " + api.kind() + " feed takes no write-back");
        }
        send(request);
    }

    /**
     * apaleo keeps guests on their reservations (booking/v1 has no guest profile): the connector names the primary
     * guest {@code <reservationId>-G1} and additional guests {@code -G2}..., so the write is a JSON Patch (RFC 6902) of
     * that reservation, {@code PATCH /booking/v1/reservations/{id}} with {@code replace}/{@code remove} operations on
     * {@code /primaryGuest/...} or {@code /additionalGuests/<n-2>/...} (firstName, lastName, email, phone,
     * preferredLanguage, address{addressLine1, addressLine2, postalCode, city, countryCode}); apaleo answers 204.
     */
    private void writeApaleo(PmsApi api, String pmsProfileId, ContactWrite w) throws FetchFailure {
        java.util.regex.Matcher id = APALEO_GUEST.matcher(pmsProfileId);
        if (!id.matches()) {
            throw new FetchFailure(false, "the profile id is no apaleo guest of a reservation (<reservationId>-G<n>)");
        }
        int guest = Integer.parseInt(id.group(2));
        String prefix = guest == 1 ? "/primaryGuest" : "/additionalGuests/" + (guest - 2);
        com.fasterxml.jackson.databind.node.ArrayNode ops = json.createArrayNode();
        replace(ops, prefix + "/firstName", w.firstName());
        replace(ops, prefix + "/lastName", w.lastName());
        replace(ops, prefix + "/preferredLanguage", w.language());
        if (w.emails() != null) {
            if (w.emails().isEmpty()) {
                ops.addObject().put("op", "remove").put("path", prefix + "/email");
            } else {
                replace(ops, prefix + "/email", w.emails().getFirst());
            }
        }
        if (w.phones() != null) {
            if (w.phones().isEmpty()) {
                ops.addObject().put("op", "remove").put("path", prefix + "/phone");
            } else {
                replace(ops, prefix + "/phone", w.phones().getFirst());
            }
        }
        if (w.address() != null) {
            ObjectNode address = json.createObjectNode();
            putIf(address, "addressLine1", w.address().lines().isEmpty() ? null : w.address().lines().getFirst());
            putIf(address, "addressLine2", w.address().lines().size() < 2 ? null : w.address().lines().get(1));
            putIf(address, "postalCode", w.address().postalCode());
            putIf(address, "city", w.address().city());
            putIf(address, "countryCode", w.address().countryCode());
            ops.addObject().put("op", "replace").put("path", prefix + "/address").set("value", address);
        }
        URI uri = api.baseUrl().resolve("/booking/v1/reservations/"
                + URLEncoder.encode(id.group(1), StandardCharsets.UTF_8).replace("+", "%20"));
        String body = ops.toString();
        if (!api.usesClientCredentials()) {
            send(apaleoPatch(uri, api.accessToken(), body));
            return;
        }
        try {
            send(apaleoPatch(uri, apaleoTokens.token(api, false), body));
        } catch (FetchFailure failure) {
            if (!failure.unauthorized()) {
                throw failure;
            }
            send(apaleoPatch(uri, apaleoTokens.token(api, true), body));
        }
    }

    private HttpRequest apaleoPatch(URI uri, String token, String body) {
        return HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json-patch+json").header("Accept", "application/json")
                .header("Authorization", "Bearer " + token)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    }

    /**
     * An OpenTravel PMS: {@code OTA_ProfileModifyRQ} POSTed to the feed's endpoint (the PMS API base URL as given),
     * with the bearer token or HTTP basic auth of its settings. The PMS answers {@code OTA_ProfileModifyRS}:
     * {@code <Success/>} is done; {@code <Errors>} is the PMS refusing this write (its Type/Code kept as the reason,
     * never its text, which may quote the guest's data); HTTP statuses as for the other PMSs.
     */
    private void writeOta(PmsApi api, String pmsProfileId, UUID eventId, ContactWrite w) throws FetchFailure {
        String body = OtaProfileModify.request(pmsProfileId, eventId, java.time.Instant.now(), w);
        HttpRequest.Builder request = HttpRequest.newBuilder(api.baseUrl()).timeout(timeout)
                .header("Content-Type", "application/xml; charset=utf-8").header("Accept", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (api.username() != null && api.password() != null) {
            request.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                    (api.username() + ":" + api.password()).getBytes(StandardCharsets.UTF_8)));
        } else if (api.accessToken() != null) {
            request.header("Authorization", "Bearer " + api.accessToken());
        }
        HttpResponse<byte[]> response = exchange(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        check(response.statusCode());
        String refusal = OtaProfileModify.refusal(response.body());
        if (refusal != null) {
            throw new FetchFailure(false, "the PMS answered OTA_ProfileModifyRS " + refusal + ": it refused this write");
        }
    }

    private void send(HttpRequest request) throws FetchFailure {
        check(exchange(request, HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws FetchFailure {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new FetchFailure(true, "the PMS API could not be reached (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchFailure(true, "interrupted");
        }
    }

    private static void check(int status) throws FetchFailure {
        if (status >= 200 && status < 300) {
            return;
        }
        boolean retry = status == 401 || status == 403 || status == 408 || status == 429 || status >= 500;
        throw new FetchFailure(retry, "the PMS API answered " + status + (status == 401 || status == 403
                ? " (check the feed's PMS API credentials)" : retry ? "" : ": it refused this write"), status == 401);
    }

    private static void replace(com.fasterxml.jackson.databind.node.ArrayNode ops, String path, String value) {
        if (value != null) {
            ops.addObject().put("op", "replace").put("path", path).put("value", value);
        }
    }

    private static void putIf(ObjectNode node, String field, Boolean value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void putIf(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}

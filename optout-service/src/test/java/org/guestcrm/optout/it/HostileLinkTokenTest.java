package org.guestcrm.optout.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.guestcrm.platform.security.SignedLinks;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The fuzz run's finding (a 5xx for a very long signed-link token): every guest link endpoint (unsubscribe by path and
 * by query, preference-centre link, e-mail-change and erasure confirmations, GET and POST) gets hostile tokens in the
 * path, the query and the form body: 10k and 100k characters (plain, and a validly signed token padded or with a
 * 10k-character subject), NUL, C0 control characters, non-ASCII (percent-encoded UTF-8, and raw bytes on the wire).
 * Each must answer a 4xx: the guest page's own error page (HTML, saying the link is not valid) for the guests'
 * pages, or a problem+json body, never a 5xx, never a bare status, never the token echoed.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "optout"))
class HostileLinkTokenTest {

    private static final String KEY_ID = "test-2026";
    private static final byte[] KEY = Base64.getDecoder().decode("U6g6szm0v4/osAMOrqihZYqtX+bwcwnGl7hVKAW3AMo=");

    @TestHTTPResource("/")
    URI base;

    /** The JDK client's default: HTTP/1.1 offering an upgrade to h2c, as {@code ./crm fuzz} sends. */
    private final HttpClient upgrading = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();
    /** Plain HTTP/1.1, as a browser speaks to a plaintext origin. */
    private final HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    private HttpClient http = upgrading;

    private static String signed(String scope, String subject) {
        return new SignedLinks(Map.of(KEY_ID, KEY), KEY_ID, Clock.systemUTC()).sign(scope, "hostile", subject, Duration.ofDays(1));
    }

    /** Hostile tokens by name (raw text; encoded per place below). */
    private static Map<String, String> tokens() {
        String good = signed("unsubscribe", "EMAIL:MARKETING:cp1_AAAAAAAAAAAAAAAAAAAAAA");
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("10k", "a".repeat(10_000));
        tokens.put("100k", "a".repeat(100_000));
        tokens.put("signed+10k", good + "A".repeat(10_000));
        tokens.put("signed-10k-subject", signed("unsubscribe", "EMAIL:MARKETING:" + "x".repeat(10_000)));
        tokens.put("signed-100k-subject", signed("preferences", "EMAIL:" + "x".repeat(100_000)));
        tokens.put("dots-10k", ".".repeat(10_000));
        tokens.put("NUL", good + "\u0000");
        tokens.put("NUL-inside", good.substring(0, 10) + "\u0000" + good.substring(10));
        tokens.put("control", "\u0001\u0007\u001b[31m\u001f" + good);
        tokens.put("CRLF", good + "\r\nX-Injected: 1");
        tokens.put("DEL", good + "\u007f");
        tokens.put("non-ASCII", "é漢字😀\u202e\u0645" + good);
        tokens.put("lone-surrogate", good + "\ud800");
        tokens.put("non-ASCII-10k", "é".repeat(10_000));
        return tokens;
    }

    private record Place(String method, String path, boolean tokenInPath, String form) {
    }

    private static List<Place> places() {
        return List.of(
                new Place("GET", "/u/", true, null),
                new Place("POST", "/u/", true, "List-Unsubscribe=One-Click"),
                new Place("GET", "/api/v1/unsubscribe?t=", false, null),
                new Place("POST", "/api/v1/unsubscribe?t=", false, "List-Unsubscribe=One-Click"),
                new Place("GET", "/p/", true, null),
                new Place("GET", "/preferences/email/confirm/", true, null),
                new Place("POST", "/preferences/email/confirm/", true, ""),
                new Place("GET", "/preferences/erasure/confirm/", true, null),
                new Place("POST", "/preferences/erasure/confirm/", true, ""));
    }

    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private record Answer(int status, String contentType, String body) {
    }

    private Answer send(String method, String pathAndQuery, String form) throws Exception {
        return send(method, pathAndQuery, "application/x-www-form-urlencoded", form);
    }

    /** The answer; a connection closed without one is status 0 (a failure: the guest sees nothing). */
    private Answer send(String method, String pathAndQuery, String contentType, String form) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + pathAndQuery))
                .timeout(Duration.ofSeconds(30));
        if ("POST".equals(method)) {
            request.header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(form == null ? "" : form));
        } else {
            request.GET();
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (java.io.IOException closed) {
            return new Answer(0, "", "connection closed: " + closed.getMessage());
        }
    }

    /** A clear refusal: 4xx, with a body that says what is wrong (the guest page, or a problem), never the token. */
    private static void assertClearRefusal(String what, Answer answer, String token, List<String> failures) {
        if (answer.status() < 400 || answer.status() >= 500) {
            failures.add(what + ": " + answer.status());
            return;
        }
        boolean page = answer.contentType().startsWith("text/html") && answer.body().contains("<title>");
        boolean problem = answer.contentType().startsWith("application/problem+json") && answer.body().contains("\"status\"");
        if (!page && !problem) {
            failures.add(what + ": " + answer.status() + " without a page or problem (" + answer.contentType() + ")");
            return;
        }
        if (token.length() >= 20 && answer.body().contains(token.substring(token.length() - 20))) {
            failures.add(what + ": " + answer.status() + " echoes the token");
        }
    }

    @Test
    void hostileTokensInPathAndQueryGetAClearRefusal() throws Exception {
        List<String> failures = new ArrayList<>();
        int tried = 0;
        for (HttpClient client : List.of(upgrading, plain)) {
            http = client;
            for (Map.Entry<String, String> token : tokens().entrySet()) {
                for (Place place : places()) {
                    String target = place.path() + encoded(token.getValue());
                    Answer answer = send(place.method(), target, place.form());
                    tried++;
                    assertClearRefusal((client == plain ? "HTTP/1.1 " : "h2c? ") + place.method() + " " + place.path() + "<"
                            + token.getKey() + ">", answer, token.getValue(), failures);
                }
            }
        }
        http = upgrading;
        assertEquals(List.of(), failures, "of " + tried + " requests");
        assertEquals(2 * tokens().size() * places().size(), tried);
    }

    @Test
    void hostileValuesInTheFormBodyGetAClearRefusal() throws Exception {
        List<String> failures = new ArrayList<>();
        String good = signed("unsubscribe", "EMAIL:MARKETING:cp1_AAAAAAAAAAAAAAAAAAAAAA");
        for (Map.Entry<String, String> token : tokens().entrySet()) {
            String value = encoded(token.getValue());
            // The token where a client might put it in the body, beside and instead of the one-click field.
            for (String form : List.of("t=" + value + "&List-Unsubscribe=One-Click", "List-Unsubscribe=" + value,
                    "List-Unsubscribe=One-Click&token=" + value)) {
                assertClearRefusal("POST /api/v1/unsubscribe body <" + token.getKey() + ">",
                        send("POST", "/api/v1/unsubscribe", form), token.getValue(), failures);
                assertClearRefusal("POST /u/<good> body <" + token.getKey() + ">",
                        send("POST", "/u/" + good, form.replace("List-Unsubscribe=One-Click", "List-Unsubscribe=x")),
                        token.getValue(), failures);
            }
            // Multipart, as RFC 8058 allows: the token as a part, and under a hostile boundary.
            String boundary = "b0undary";
            String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\n"
                    + token.getValue() + "\r\n--" + boundary + "--\r\n";
            assertClearRefusal("POST /u/<good> multipart <" + token.getKey() + ">",
                    send("POST", "/u/" + good, "multipart/form-data; boundary=" + boundary, multipart), token.getValue(), failures);
            assertClearRefusal("POST /u/<token> multipart <" + token.getKey() + ">",
                    send("POST", "/u/" + value, "multipart/form-data; boundary=" + boundary,
                            multipart.replace(token.getValue(), "One-Click")), token.getValue(), failures);
            for (String path : List.of("/preferences/choices", "/preferences/request", "/preferences/erasure")) {
                assertClearRefusal("POST " + path + " csrf <" + token.getKey() + ">",
                        send("POST", path, "csrf=" + value + "&tenant=" + value + "&email=" + value + "&MARKETING=GRANTED"),
                        token.getValue(), failures);
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void aHostileMultipartBoundaryGetsAClearRefusal() throws Exception {
        List<String> failures = new ArrayList<>();
        String good = signed("unsubscribe", "EMAIL:MARKETING:cp1_AAAAAAAAAAAAAAAAAAAAAA");
        for (String boundary : List.of("x".repeat(200), "x".repeat(10_000), "", "\"a b;c=d")) {
            for (String path : List.of("/u/" + good, "/api/v1/unsubscribe?t=" + good, "/u/" + "a".repeat(10_000))) {
                assertClearRefusal("POST " + path.substring(0, 10) + " boundary " + boundary.length(),
                        send("POST", path, "multipart/form-data; boundary=" + boundary, "--" + boundary + "\r\ngarbage"),
                        "", failures);
            }
        }
        assertEquals(List.of(), failures);
    }

    /** Raw bytes on the wire, which no URI class would send: a NUL, a control byte, UTF-8 and Latin-1 in the path. */
    @Test
    void rawBytesInTheRequestLineGetA4xx() throws Exception {
        List<String> failures = new ArrayList<>();
        List<byte[]> targets = List.of(
                ("/u/abc" + '\u0000' + "def").getBytes(StandardCharsets.ISO_8859_1),
                ("/u/abc" + '\u0001' + "def").getBytes(StandardCharsets.ISO_8859_1),
                ("/u/" + "é漢😀").getBytes(StandardCharsets.UTF_8),
                ("/p/" + "\u00e9\u00ff").getBytes(StandardCharsets.ISO_8859_1),
                ("/api/v1/unsubscribe?t=" + "é😀" + '\u0002').getBytes(StandardCharsets.UTF_8),
                ("/u/" + "a".repeat(100_000)).getBytes(StandardCharsets.US_ASCII));
        for (byte[] target : targets) {
            int status = rawStatus(target);
            if (status < 400 || status >= 500) {
                failures.add(new String(target, 0, Math.min(target.length, 30), StandardCharsets.ISO_8859_1) + ": " + status);
            }
        }
        assertEquals(List.of(), failures);
        assertFalse(targets.isEmpty());
    }

    private int rawStatus(byte[] target) throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET ".getBytes(StandardCharsets.US_ASCII));
            out.write(target);
            out.write((" HTTP/1.1\r\nHost: " + base.getHost() + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                head.write(b);
            }
            String line = head.toString(StandardCharsets.US_ASCII);
            assertTrue(line.startsWith("HTTP/1."), "a status line, got: " + line);
            return Integer.parseInt(line.substring(9, 12));
        }
    }
}

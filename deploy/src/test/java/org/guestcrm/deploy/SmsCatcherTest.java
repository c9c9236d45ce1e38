package org.guestcrm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmsCatcherTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private SmsCatcher catcher;

    @BeforeEach
    void start() throws Exception {
        catcher = SmsCatcher.start(0, "s3cret", dir.resolve("sms/journal.tsv"));
    }

    @AfterEach
    void stop() {
        catcher.stop();
    }

    private HttpResponse<String> send(String sid, String token, String form, String idempotency) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + catcher.port()
                        + "/2010-04-01/Accounts/" + sid + "/Messages.json"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((sid + ":" + token).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (idempotency != null) {
            request.header("I-Twilio-Idempotency-Token", idempotency);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTextIsTakenOnceEvenWhenTheSenderRetriesItAndTheJournalHoldsNoNumberNorText() throws Exception {
        String form = "To=%2B41791234567&From=%2B41445550100&Body=Check+in+online+now";
        HttpResponse<String> first = send("AC1", "s3cret", form, "comm-1");
        HttpResponse<String> retry = send("AC1", "s3cret", form, "comm-1");
        assertEquals(201, first.statusCode(), first.body());
        assertEquals(201, retry.statusCode());
        String sid = first.body().replaceAll("(?s).*\"sid\" : \"(SM[0-9a-f]+)\".*", "$1");
        assertTrue(retry.body().contains(sid), "the retry is answered with the first message");
        assertEquals(1, catcher.textsTo("+41791234567").size());
        assertEquals("Check in online now", catcher.textsTo("+41791234567").get(0).body());
        List<String> journal = Files.readAllLines(dir.resolve("sms/journal.tsv"));
        assertEquals(1, journal.size());
        assertTrue(journal.get(0).contains("comm-1") && journal.get(0).contains(sid), journal.get(0));
        assertFalse(journal.get(0).contains("41791234567") || journal.get(0).contains("Check"), journal.get(0));
        assertTrue(journal.get(0).endsWith(MailJournal.recipientHash("+41791234567")), journal.get(0));
    }

    @Test
    void itAnswersItsHealthCheck() throws Exception {
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + catcher.port() + "/health"))
                .timeout(java.time.Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertTrue(health.body().contains("UP"), health.body());
    }

    @Test
    void wrongCredentialsAreRefusedAndANumberNotInE164IsABadRequest() throws Exception {
        assertEquals(401, send("AC1", "wrong", "To=%2B41791234567&Body=x", null).statusCode());
        HttpResponse<String> national = send("AC1", "s3cret", "To=0791234567&Body=x", null);
        assertEquals(400, national.statusCode());
        assertTrue(national.body().contains("21211"), national.body());
        assertEquals(400, send("AC1", "s3cret", "To=%2B41791234567&Body=", null).statusCode());
        assertEquals(0, catcher.count());
    }
}

package org.guestcrm.connector.api;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.guestcrm.connector.Staff;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The watched export directory of feed {@code export-drop-feed} ({@code %test.connector.export-drops.directories}, under
 * target/): a settled CSV is applied once and moved to done/ with its result, an unreadable one to failed/ with the
 * reason, the same file dropped again is a duplicate that emits nothing, a file still being written is left alone.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class ExportDropTest {

    static final String FEED = "export-drop-feed";
    static final Path DIRECTORY = Path.of("target/export-drops/" + FEED);

    @Test
    void droppedExportsAreAppliedOnceAndMovedToDoneOrFailedWithTheReason() throws Exception {
        Staff.admin("drop-tenant").contentType("application/json")
                .body("{\"feedId\": \"" + FEED + "\", \"deliveryMode\": \"CANONICAL_JSON\"}")
                .post("/api/v1/feeds?tenant=drop-tenant").then().statusCode(201);
        Files.createDirectories(DIRECTORY);
        String run = UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        String csv = "hotelCode,pmsReservationId,status,arrival,departure\n"
                + "BER,DROP-" + run + "-1,CONFIRMED,2027-07-01,2027-07-03\n"
                + "BER,DROP-" + run + "-2,CONFIRMED,2027-07-02,2027-07-05\n"
                + "BER,DROP-" + run + "-3,CONFIRMED,2027-07-09,2027-07-01\n";
        String name = "arrivals-" + run + ".csv";
        Path file = drop(name, csv, Instant.now().minusSeconds(60));
        Path writing = drop("arrivals-" + run + ".csv.part", csv, Instant.now().minusSeconds(60));
        Path fresh = drop("fresh-" + run + ".csv", csv, Instant.now().plusSeconds(3600));

        Path done = DIRECTORY.resolve("done").resolve(name);
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(done.resolveSibling(name + ".result.json")));
        assertFalse(Files.exists(file), "the file left the drop directory");
        assertTrue(Files.exists(done));
        JsonNode result = new ObjectMapper().readTree(Files.readString(done.resolveSibling(name + ".result.json")));
        assertEquals(3, result.path("rowsRead").asInt());
        assertEquals(2, result.path("rowsAccepted").asInt());
        assertEquals(1, result.path("rowsRejected").asInt());
        assertEquals(4, result.path("rejections").get(0).path("line").asInt(), "the record with departure before arrival");
        assertFalse(result.path("duplicate").asBoolean());
        for (int i = 1; i <= 2; i++) {
            String key = "drop-tenant:BER:DROP-" + run + "-" + i;
            await().atMost(Duration.ofSeconds(60)).until(() -> KafkaTestClients.<ReservationChanged>readDecoded(
                    Topic.PMS_RESERVATIONS.topicName()).stream().filter(r -> key.equals(r.key())).count() == 1);
        }
        Staff.admin("drop-tenant").get("/api/v1/feeds/{feedId}/exports", FEED).then().statusCode(200)
                .body("exports.size()", equalTo(1));

        // the same file again: recognised, nothing emitted, moved to done/ under a free name
        drop(name, csv, Instant.now().minusSeconds(60));
        Path again = DIRECTORY.resolve("done").resolve(name + ".1");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(again.resolveSibling(name + ".1.result.json")));
        assertTrue(new ObjectMapper().readTree(Files.readString(again.resolveSibling(name + ".1.result.json")))
                .path("duplicate").asBoolean());

        // not CSV with a header line: failed/ with the reason (field names, no values)
        String broken = "broken-" + run + ".csv";
        drop(broken, "\"unterminated,quote\nsecret@example.org", Instant.now().minusSeconds(60));
        Path reason = DIRECTORY.resolve("failed").resolve(broken + ".reason.txt");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(reason));
        String why = Files.readString(reason);
        assertTrue(why.contains("not readable CSV") || why.contains("body"), why);
        assertFalse(why.contains("secret@example.org"), "the reason holds no values");
        assertTrue(Files.exists(DIRECTORY.resolve("failed").resolve(broken)));

        assertTrue(Files.exists(writing), "a .part file is being written and left alone");
        assertTrue(Files.exists(fresh), "a file modified just now is left alone until it settles");
        Staff.admin("drop-tenant").get("/api/v1/feeds/{feedId}/exports", FEED).then().statusCode(200)
                .body("exports.size()", equalTo(1));
        Files.delete(writing);
        Files.delete(fresh);
    }

    private static Path drop(String name, String content, Instant modified) throws Exception {
        Path temp = DIRECTORY.resolve("." + name + ".tmp");
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(temp, FileTime.from(modified));
        Path file = DIRECTORY.resolve(name);
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }
}

package org.guestcrm.profile.it;

import static org.awaitility.Awaitility.await;
import static org.guestcrm.testsupport.GuestProfiles.email;
import static org.guestcrm.testsupport.GuestProfiles.phone;
import static org.guestcrm.testsupport.GuestProfiles.profile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.ErasureRequested;
import org.guestcrm.events.ErasureRequester;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.SourceProfileRef;
import org.guestcrm.platform.domain.ContactPointRef;
import org.guestcrm.testsupport.GuestProfiles;
import org.guestcrm.testsupport.KafkaTestClients;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * crm.erasures through Kafka and PostgreSQL: a request names the guest by id, by a contact point's ContactPointRef or
 * by a PMS profile, and that guest is erased (404, a tombstone on crm.guests) while another guest of the tenant stays;
 * a replay erases nothing more; a request naming nobody known is recorded as done with nothing erased, and the PMS
 * profile it named stays suppressed; a request that can never be applied goes to crm.erasures.dlq with its reason.
 */
@QuarkusTest
@WithTestResource(value = org.guestcrm.testsupport.RealInfrastructure.class,
        initArgs = @ResourceArg(name = "database", value = "profile"))
class ErasureRequestTest {

    @Inject
    DataSource dataSource;

    static ErasureRequested.Builder request(String tenant, UUID erasureId) {
        return ErasureRequested.newBuilder()
                .setMetadata(EventMetadata.newBuilder().setEventId(UUID.randomUUID()).setEventType("ErasureRequested")
                        .setOccurredAt(Instant.now()).setSource("test").setTenantId(tenant)
                        .setCorrelationId(erasureId.toString()).build())
                .setErasureId(erasureId).setRequestedBy(ErasureRequester.GUEST).setConfirmedAt(Instant.now());
    }

    static void send(ErasureRequested request, String subject) {
        KafkaTestClients.sendAvro("crm.erasures", request.getMetadata().getTenantId() + ":" + subject, request);
    }

    @Test
    void aRequestByGuestIdErasesTheGuestOnceAndAReplayErasesNothingMore() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        GuestProfiles.send(profile(tenant, "opera", "req-1", 1L).setFirstName("Nora").setLastName("Keller")
                .setEmails(List.of(email("nora.keller@example.org", true))).build());
        GuestProfiles.send(profile(tenant, "opera", "req-2", 1L).setFirstName("Otto").setLastName("Brun")
                .setEmails(List.of(email("otto.brun@example.org", true))).build());
        String guestId = SurvivorshipFlowTest.awaitGuestId(tenant, "opera", "req-1");
        String otherId = SurvivorshipFlowTest.awaitGuestId(tenant, "opera", "req-2");

        UUID erasureId = UUID.randomUUID();
        send(request(tenant, erasureId).setGuestId(guestId).build(), guestId);
        await().atMost(SurvivorshipFlowTest.PATIENCE).until(() -> handled(tenant, erasureId) != null);
        assertEquals(1, handled(tenant, erasureId).guestsErased());
        Staff.viewer(tenant).get("/api/v1/guests/{id}", guestId).then().statusCode(404);
        SurvivorshipFlowTest.lookup(tenant, "opera", "req-1").then().statusCode(404);
        Staff.viewer(tenant).get("/api/v1/guests/{id}", otherId).then().statusCode(200);
        await().atMost(SurvivorshipFlowTest.PATIENCE).until(() -> GuestsTopic.endsWithTombstone(guestId));
        int recordsBefore = recordsOf(guestId);

        // The same request again (another event id): handled, nothing more erased, nothing more on crm.guests.
        Instant firstHandled = handled(tenant, erasureId).handledAt();
        send(request(tenant, erasureId).setGuestId(guestId).build(), guestId);
        await().atMost(SurvivorshipFlowTest.PATIENCE).until(() -> handled(tenant, erasureId).handledAt().isAfter(firstHandled));
        assertEquals(1, handled(tenant, erasureId).guestsErased(), "a replay erases nothing more");
        assertEquals(recordsBefore, recordsOf(guestId), "a replay publishes nothing more for the erased guest");
        Staff.viewer(tenant).get("/api/v1/guests/{id}", otherId).then().statusCode(200);
    }

    @Test
    void aRequestByContactPointRefsErasesTheGuestsHoldingThoseAddressesOnly() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        GuestProfiles.send(profile(tenant, "opera", "cp-1", 1L).setFirstName("Ines").setLastName("Roth")
                .setEmails(List.of(email("Ines.Roth@Example.org", true))).build());
        GuestProfiles.send(profile(tenant, "mews", "cp-2", 1L).setFirstName("Paul").setLastName("Graf")
                .setPhones(List.of(phone("+41 44 668 18 00"))).build());
        GuestProfiles.send(profile(tenant, "mews", "cp-3", 1L).setFirstName("Vera").setLastName("Wyss")
                .setEmails(List.of(email("vera.wyss@example.org", true))).build());
        String byEmail = SurvivorshipFlowTest.awaitGuestId(tenant, "opera", "cp-1");
        String byPhone = SurvivorshipFlowTest.awaitGuestId(tenant, "mews", "cp-2");
        String untouched = SurvivorshipFlowTest.awaitGuestId(tenant, "mews", "cp-3");

        UUID erasureId = UUID.randomUUID();
        String emailRef = ContactPointRef.of(tenant, "EMAIL", "ines.roth@example.org");
        send(request(tenant, erasureId).setContactPointRefs(List.of(emailRef,
                ContactPointRef.of(tenant, "PHONE", "+41446681800"))).build(), emailRef);
        await().atMost(SurvivorshipFlowTest.PATIENCE).until(() -> handled(tenant, erasureId) != null);
        assertEquals(2, handled(tenant, erasureId).guestsErased());
        Staff.viewer(tenant).get("/api/v1/guests/{id}", byEmail).then().statusCode(404);
        Staff.viewer(tenant).get("/api/v1/guests/{id}", byPhone).then().statusCode(404);
        Staff.viewer(tenant).get("/api/v1/guests/{id}", untouched).then().statusCode(200);
        await().atMost(SurvivorshipFlowTest.PATIENCE).until(() -> GuestsTopic.endsWithTombstone(byEmail)
                && GuestsTopic.endsWithTombstone(byPhone));
    }

    @Test
    void aRequestBySourceProfileErasesItsGuestAndOneNamingNobodyIsDoneWithNothingErased() throws Exception {
        String tenant = "tenant-" + UUID.randomUUID();
        GuestProfiles.send(profile(tenant, "opera", "sp-1", 1L).setFirstName("Lena").setLastName("Frei").build());
        String guestId = SurvivorshipFlowTest.awaitGuestId(tenant, "opera", "sp-1");
        UUID bySource = UUID.randomUUID();
        send(request(tenant, bySource).setSourceProfiles(List.of(SourceProfileRef.newBuilder().setPmsSystem("opera")
                .setPmsProfileId("sp-1").build())).build(), "opera:sp-1");
        await().atMost(SurvivorshipFlowTest.PATIENCE).until(() -> handled(tenant, bySource) != null);
        assertEquals(1, handled(tenant, bySource).guestsErased());
        Staff.viewer(tenant).get("/api/v1/guests/{id}", guestId).then().statusCode(404);

        // Nobody held: an unknown guest id, an unknown address, a PMS profile never seen (and another tenant's guest).
        String otherTenant = "tenant-" + UUID.randomUUID();
        GuestProfiles.send(profile(otherTenant, "opera", "sp-9", 1L).setFirstName("Anna").setLastName("Huber").build());
        String otherTenantsGuest = SurvivorshipFlowTest.awaitGuestId(otherTenant, "opera", "sp-9");
        UUID nobody = UUID.randomUUID();
        send(request(tenant, nobody).setGuestId(otherTenantsGuest)
                .setContactPointRefs(List.of(ContactPointRef.of(tenant, "EMAIL", "nobody@example.org")))
                .setSourceProfiles(List.of(SourceProfileRef.newBuilder().setPmsSystem("opera").setPmsProfileId("ghost-1")
                        .build())).build(), otherTenantsGuest);
        await().atMost(SurvivorshipFlowTest.PATIENCE).until(() -> handled(tenant, nobody) != null);
        assertEquals(0, handled(tenant, nobody).guestsErased(), "a request naming nobody known erases nothing");
        Staff.viewer(otherTenant).get("/api/v1/guests/{id}", otherTenantsGuest).then().statusCode(200);

        // The PMS profile it named is suppressed when a feed sends it later: no guest is created.
        double before = suppressed();
        GuestProfiles.send(profile(tenant, "opera", "ghost-1", 1L).setFirstName("Gina").setLastName("Geist").build());
        await().atMost(SurvivorshipFlowTest.PATIENCE).until(() -> suppressed() > before);
        SurvivorshipFlowTest.lookup(tenant, "opera", "ghost-1").then().statusCode(404);
    }

    @Test
    void aRequestThatCanNeverBeAppliedGoesToTheDeadLetterTopicWithItsReason() {
        String tenant = "tenant-" + UUID.randomUUID();
        String key = tenant + ":not-a-uuid";
        KafkaTestClients.sendAvro("crm.erasures", key, request(tenant, UUID.randomUUID()).setGuestId("not-a-uuid").build());
        await().atMost(SurvivorshipFlowTest.PATIENCE).untilAsserted(() -> {
            ConsumerRecord<String, byte[]> dead = KafkaTestClients.readRaw("crm.erasures.dlq").stream()
                    .filter(r -> key.equals(r.key())).findFirst().orElse(null);
            assertNotNull(dead, "the request is on crm.erasures.dlq");
            String reason = new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
            assertTrue(reason.contains("guestId"), reason);
            assertTrue(!reason.contains("not-a-uuid"), "the reason names the field, not the value: " + reason);
        });
    }

    record Handled(int guestsErased, Instant handledAt) {
    }

    private Handled handled(String tenant, UUID erasureId) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement q = c.prepareStatement(
                "select guests_erased, handled_at from erasure_request where tenant = ? and erasure_id = ?")) {
            q.setString(1, tenant);
            q.setObject(2, erasureId);
            try (ResultSet rows = q.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                Timestamp at = rows.getTimestamp(2);
                return new Handled(rows.getInt(1), at.toInstant());
            }
        }
    }

    /** guestcrm_profile_erased_suppressed_total from /q/metrics (0 before the first). */
    private static double suppressed() {
        String metrics = Staff.as("any", "ops").get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("guestcrm_profile_erased_suppressed_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static int recordsOf(String guestId) {
        return (int) KafkaTestClients.readRaw("crm.guests").stream().filter(r -> guestId.equals(r.key())).count();
    }
}

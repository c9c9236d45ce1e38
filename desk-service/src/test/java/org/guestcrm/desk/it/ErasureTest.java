package org.guestcrm.desk.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.guestcrm.events.ErasureRequested;
import org.guestcrm.events.ErasureRequester;
import org.guestcrm.events.TaskChangeType;
import org.guestcrm.events.TaskChanged;
import org.guestcrm.platform.domain.ContactPointRef;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * crm.erasures: the guest's personal data on the desk's leads (found by golden guestId and its PMS profiles, by the
 * ContactPointRef of an e-mail, of a phone) is removed, the figures stay (leads, statuses, quotes' amounts), other
 * guests' leads keep theirs, the tasks that named the guest say so once on crm.tasks, a replayed request changes
 * nothing more, and a request naming nobody is a dead letter with its reason. Real Kafka, registry and PostgreSQL.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "desk"))
class ErasureTest {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final String ERASURES = Topic.CRM_ERASURES.topicName();

    @Test
    void anErasedGuestsLeadsKeepTheirFiguresButNoPersonalData() {
        Instant now = Instant.now();
        Stay pms = Stay.unique("BERLIN");
        String tenant = pms.tenant();

        // Anna's PMS request, linked to her golden record.
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), pms.key(), GuestLinkTest.request(pms, "P-A", now));
        String annaTask = LeadFromReservationTest.awaitTasks(pms, l -> l.getList("id").size() == 1).getString("[0].id");
        String annaLead = LeadFromReservationTest.task(tenant, annaTask).getString("leadId");
        String anna = UUID.randomUUID().toString();
        KafkaTestClients.sendAvro(Topic.CRM_GUESTS.topicName(), anna, GuestLinkTest.guest(tenant, anna, 1, "P-A"));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> anna.equals(GuestLinkTest.lead(tenant, annaLead).getString("guestId")));

        // Ines asked by e-mail (and got a quote), Otto by phone, Carla is someone else.
        String ines = inquiry(pms.withEmail("ines-" + UUID.randomUUID() + "@example.org"), "+41 44 668 18 00");
        String inesMail = GuestLinkTest.lead(tenant, ines).getString("guest.email");
        Staff.agent(tenant).body(Map.of("roomType", "DBL", "rooms", 1, "arrival", pms.arrival().toString(),
                        "departure", pms.departure().toString(), "price", Map.of("amount", 480.00, "currency", "EUR"),
                        "validUntil", now.plus(Duration.ofDays(5)).toString()))
                .post("/api/v1/leads/" + ines + "/quotes").then().statusCode(201);
        String otto = inquiry(pms.withEmail("otto-" + UUID.randomUUID() + "@example.org"), "+41 44 999 00 11");
        String carla = inquiry(pms.withEmail("carla-" + UUID.randomUUID() + "@example.org"), "+41 44 555 00 22");
        String ottoPhone = GuestLinkTest.lead(tenant, otto).getString("guest.phone");
        assertEquals("+41449990011", ottoPhone);

        // Three requests: Anna by guestId only, Ines by her e-mail's reference, Otto by his phone's.
        ErasureRequested forAnna = erasure(tenant, anna, List.of());
        KafkaTestClients.sendAvro(ERASURES, tenant + ":" + anna, forAnna);
        KafkaTestClients.sendAvro(ERASURES, tenant + ":i", erasure(tenant, null,
                List.of(ContactPointRef.of(tenant, "EMAIL", inesMail))));
        KafkaTestClients.sendAvro(ERASURES, tenant + ":o", erasure(tenant, null,
                List.of(ContactPointRef.of(tenant, "PHONE", ottoPhone))));
        for (String lead : List.of(annaLead, ines, otto)) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(250))
                    .until(() -> GuestLinkTest.lead(tenant, lead).getString("erasedAt") != null);
        }

        JsonPath a = GuestLinkTest.lead(tenant, annaLead);
        assertErased(a);
        assertEquals("OPEN", a.getString("status"));
        assertEquals(pms.arrival().toString(), a.getString("arrival"));
        assertEquals(pms.reservationId(), a.getString("pmsReservationId"), "the PMS reservation is still followed");
        assertNull(a.getString("tasks[0].guestId"));
        List<TaskChanged> unlinked = KafkaTestClients.<TaskChanged>awaitAvroRecords(Topic.CRM_TASKS.topicName(),
                (ConsumerRecord<String, TaskChanged> r) -> r.value() != null && annaTask.equals(r.key())
                        && r.value().getChange() == TaskChangeType.GUEST_LINKED && r.value().getGuestId() == null, 1, WAIT)
                .stream().map(ConsumerRecord::value).toList();
        assertEquals(forAnna.getMetadata().getEventId().toString(), unlinked.getFirst().getMetadata().getCausationId());

        JsonPath i = GuestLinkTest.lead(tenant, ines);
        assertErased(i);
        assertEquals(480.0, i.getDouble("quotes[0].price.amount"), 1e-9, "the quote's figures stay");
        assertErased(GuestLinkTest.lead(tenant, otto));
        JsonPath c = GuestLinkTest.lead(tenant, carla);
        assertNull(c.getString("erasedAt"));
        assertTrue(c.getString("guest.email").startsWith("carla-"));
        assertEquals("Greta Spreewald", c.getString("guest.name"));

        // The figures count what they counted: four leads, one quote.
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        JsonPath k = Staff.as(tenant, Roles.VIEWER).get("/api/v1/desk/kpis?tenant=" + tenant + "&from=" + today.minusDays(1)
                + "&to=" + today.plusDays(2)).then().statusCode(200).extract().jsonPath();
        assertEquals(4, k.getInt("group.leadsReceived"));
        assertEquals(1, k.getInt("group.quotesSent"));

        // A replay of Anna's request (same erasure, another event id): nothing left to clear, no second event.
        ErasureRequested replay = ErasureRequested.newBuilder(forAnna)
                .setMetadata(GuestLinkTest.metadata(tenant, "ErasureRequested")).build();
        KafkaTestClients.sendAvro(ERASURES, tenant + ":" + anna, replay);
        // A request naming nobody is a dead letter with its reason (no personal data in it).
        String nobodyKey = tenant + ":nobody-" + UUID.randomUUID();
        KafkaTestClients.sendAvro(ERASURES, nobodyKey, erasure(tenant, null, List.of()));
        ConsumerRecord<String, byte[]> dead = KafkaTestClients.awaitRawRecord(Topic.CRM_ERASURES.deadLetterTopicName(),
                r -> nobodyKey.equals(r.key()), WAIT);
        String reason = new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("names no subject"), reason);
        assertFalse(reason.contains("@"), reason);
        // Carla erased afterwards under the replay's key (same partition, applied after it): once her lead is erased,
        // the replay has been through the intake, and it published nothing.
        KafkaTestClients.sendAvro(ERASURES, tenant + ":" + anna, erasure(tenant, null,
                List.of(ContactPointRef.of(tenant, "EMAIL", c.getString("guest.email")))));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> GuestLinkTest.lead(tenant, carla).getString("erasedAt") != null);
        assertErased(GuestLinkTest.lead(tenant, annaLead));
        assertEquals(1, KafkaTestClients.<TaskChanged>readAvro(Topic.CRM_TASKS.topicName()).stream()
                .filter(r -> r.value() != null && annaTask.equals(r.key())
                        && r.value().getChange() == TaskChangeType.GUEST_LINKED && r.value().getGuestId() == null)
                .count(), "one GUEST_LINKED without a guest for Anna's task");
    }

    private static void assertErased(JsonPath lead) {
        assertNotNull(lead.getString("erasedAt"));
        assertNull(lead.getString("guest.name"));
        assertNull(lead.getString("guest.email"));
        assertNull(lead.getString("guest.phone"));
        assertNull(lead.getString("guest.language"));
        assertNull(lead.getString("message"));
        assertNull(lead.getString("guestId"));
        assertNull(lead.getString("pmsProfileId"));
        assertEquals("BERLIN", lead.getString("hotelCode"));
    }

    private static String inquiry(Stay stay, String phone) {
        Map<String, Object> body = new java.util.HashMap<>(InquiryAndQuoteTest.inquiry(stay));
        Map<String, Object> guest = new java.util.HashMap<>(Map.of("name", "Greta Spreewald", "email", stay.email(),
                "phone", phone, "language", "de"));
        body.put("guest", guest);
        return Staff.agent(stay.tenant()).body(body).post("/api/v1/inquiries?tenant=" + stay.tenant())
                .then().statusCode(201).extract().path("id");
    }

    static ErasureRequested erasure(String tenant, String guestId, List<String> refs) {
        return ErasureRequested.newBuilder()
                .setMetadata(GuestLinkTest.metadata(tenant, "ErasureRequested"))
                .setErasureId(UUID.randomUUID())
                .setGuestId(guestId)
                .setContactPointRefs(refs)
                .setRequestedBy(ErasureRequester.GUEST)
                .setConfirmedAt(Instant.now())
                .build();
    }
}

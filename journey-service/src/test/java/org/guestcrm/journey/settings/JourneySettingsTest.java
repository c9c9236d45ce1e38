package org.guestcrm.journey.settings;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.function.Predicate;

import org.guestcrm.events.ReservationStatus;
import org.guestcrm.journey.it.Booking;
import org.guestcrm.journey.it.Staff;
import org.guestcrm.journey.noshow.NoShowCutoffs;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;

/**
 * Journey settings through the API (PostgreSQL), taking effect for bookings planned afterwards (Kafka, registry): the
 * tenant's over the properties, the hotel's over the tenant's; bad settings refused naming each field.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class JourneySettingsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    SettingsReplanJobs jobs;
    @Inject
    JourneySettings settings;
    @Inject
    NoShowCutoffs cutoffs;

    @Test
    void aTenantsAndAHotelsSettingsSetThroughTheApiHoldForNewlyPlannedMessages() {
        String tenant = "jset-" + UUID.randomUUID().toString().substring(0, 8);
        String path = "/api/v1/journeys/" + tenant;
        Staff.as(tenant, Roles.MARKETER).get(path).then().statusCode(200)
                .body("override.size()", equalTo(0))
                .body("effective.steps.preStay.daysFromArrival", equalTo(-7))
                .body("effective.steps.preStay.at", equalTo("09:00"))
                .body("effective.noShowCutoff", equalTo("none"));

        put(tenant, path, "{\"steps\": {\"preStay\": {\"daysFromArrival\": -3, \"at\": \"08:30\"}}}").then()
                .statusCode(200)
                .body("override.steps.preStay.daysFromArrival", equalTo(-3))
                .body("effective.steps.preStay.at", equalTo("08:30"))
                .body("effective.steps.preCheckIn.daysFromArrival", equalTo(-1))
                .body("updatedBy", equalTo("staff-marketer"));
        put(tenant, path + "/hotels/OWNHOTEL", "{\"steps\": {\"preStay\": {\"at\": \"11:15\"}, "
                + "\"inStay\": {\"minimumNights\": 3}}, \"noShowCutoff\": \"22:00\"}").then().statusCode(200)
                .body("effective.steps.preStay.daysFromArrival", equalTo(-3))
                .body("effective.steps.preStay.at", equalTo("11:15"))
                .body("effective.steps.inStay.minimumNights", equalTo(3))
                .body("effective.noShowCutoff", equalTo("22:00"));
        // Persisted: read back from the table.
        settings.reload();
        Staff.viewer(tenant).get(path + "/hotels/OWNHOTEL").then().statusCode(200)
                .body("override.noShowCutoff", equalTo("22:00"));

        // Bookings planned now follow them.
        LocalDate arrival = LocalDate.now(ZoneOffset.UTC).plusDays(20);
        Booking ofTenant = new Booking(tenant, "PLAINHOTEL", "T" + UUID.randomUUID().toString().substring(0, 6),
                "t-" + tenant + "@example.com");
        Booking ofHotel = new Booking(tenant, "OWNHOTEL", "H" + UUID.randomUUID().toString().substring(0, 6),
                "h-" + tenant + "@example.com");
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), ofTenant.key(),
                ofTenant.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(2)));
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), ofHotel.key(),
                ofHotel.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(2)));
        JsonPath tenants = awaitCommunications(ofTenant, list -> list.getList("step").contains("PRE_STAY"));
        assertEquals(at(arrival.minusDays(3), "08:30"), dueOf(tenants, "PRE_STAY"));
        assertEquals("SCHEDULED", tenants.getString("find { it.step == 'IN_STAY' }.status"));
        JsonPath hotels = awaitCommunications(ofHotel, list -> list.getList("step").contains("PRE_STAY"));
        assertEquals(at(arrival.minusDays(3), "11:15"), dueOf(hotels, "PRE_STAY"));
        assertEquals(null, hotels.getString("find { it.step == 'IN_STAY' }.status"), "2 nights < the hotel's 3");

        // The hotel's cut-off set through the API decides the no-show.
        cutoffs.sweepAt(at(arrival, "22:30"));
        JsonPath noShow = Staff.viewer(tenant).get(ofHotel.communicationsPath()).then().statusCode(200).extract()
                .jsonPath();
        assertEquals("no-show: not checked in by the cut-off (22:00 on the arrival day)",
                noShow.getString("find { it.step == 'POST_STAY_SURVEY' }.reason"));
        assertEquals("SCHEDULED", Staff.viewer(tenant).get(ofTenant.communicationsPath()).jsonPath()
                .getString("find { it.step == 'POST_STAY_SURVEY' }.status"), "the tenant has no cut-off");
    }

    @Test
    void pendingStepsFollowAChangeOfTheSettingsAtOnceEachChangePublishedOnce() {
        String tenant = "jrep-" + UUID.randomUUID().toString().substring(0, 8);
        String path = "/api/v1/journeys/" + tenant;
        LocalDate arrival = LocalDate.now(ZoneOffset.UTC).plusDays(20);
        Booking changed = new Booking(tenant, "REPLAN", "P" + UUID.randomUUID().toString().substring(0, 6),
                "rp-" + tenant + "@example.com");
        Booking elsewhere = new Booking(tenant, "KEEP", "K" + UUID.randomUUID().toString().substring(0, 6),
                "rk-" + tenant + "@example.com");
        for (Booking booking : java.util.List.of(changed, elsewhere)) {
            KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), booking.key(),
                    booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(2)));
        }
        Predicate<JsonPath> planned = list -> "SENT".equals(list.getString("find { it.step == 'CONFIRMATION' }.status"))
                && list.getList("step").contains("IN_STAY");
        JsonPath before = awaitCommunications(changed, planned);
        JsonPath keptBefore = awaitCommunications(elsewhere, planned);
        assertEquals(at(arrival.minusDays(7), "09:00"), dueOf(before, "PRE_STAY"));
        String preStayId = before.getString("find { it.step == 'PRE_STAY' }.id");
        String inStayId = before.getString("find { it.step == 'IN_STAY' }.id");

        String body = "{\"steps\": {\"preStay\": {\"daysFromArrival\": -5, \"at\": \"08:00\"}, "
                + "\"inStay\": {\"minimumNights\": 3}}}";
        JsonPath started = put(tenant, path + "/hotels/REPLAN", body).then().statusCode(200).extract().jsonPath();
        // The PUT answers with its re-plan job (issue 9: a background job, resumable), done within seconds.
        assertEquals("REPLAN", started.getString("replan.hotelCode"));
        awaitReplanned(tenant, started);
        JsonPath after = Staff.viewer(tenant).get(changed.communicationsPath()).then().statusCode(200).extract()
                .jsonPath();
        assertEquals("RESCHEDULED", after.getString("find { it.step == 'PRE_STAY' }.status"));
        assertEquals(at(arrival.minusDays(5), "08:00"), dueOf(after, "PRE_STAY"));
        assertEquals("CANCELLED", after.getString("find { it.step == 'IN_STAY' }.status"), "2 nights < the new 3");
        assertEquals("SENT", after.getString("find { it.step == 'CONFIRMATION' }.status"));
        assertEquals(keptBefore.getList("updatedAt"), Staff.viewer(tenant).get(elsewhere.communicationsPath())
                .jsonPath().getList("updatedAt"), "another hotel's reservations are not touched");

        // Published like a date move's changes, keyed by the reservation.
        var rescheduled = KafkaTestClients.<org.guestcrm.events.CommunicationEvent>awaitAvroRecords(
                Topic.CRM_COMMUNICATIONS.topicName(),
                (org.apache.kafka.clients.consumer.ConsumerRecord<String, org.guestcrm.events.CommunicationEvent> r) ->
                        r.value() != null && r.value().getCommunicationId().toString().equals(preStayId)
                                && r.value().getStatus() == org.guestcrm.events.CommunicationStatus.RESCHEDULED,
                1, WAIT).getFirst();
        assertEquals(changed.key(), rescheduled.key());
        KafkaTestClients.<org.guestcrm.events.CommunicationEvent>awaitAvroRecords(Topic.CRM_COMMUNICATIONS.topicName(),
                (org.apache.kafka.clients.consumer.ConsumerRecord<String, org.guestcrm.events.CommunicationEvent> r) ->
                        r.value() != null && r.value().getCommunicationId().toString().equals(inStayId)
                                && r.value().getStatus() == org.guestcrm.events.CommunicationStatus.CANCELLED,
                1, WAIT);

        // The same settings again (a retried PUT, another replica): nothing moves, nothing is published again.
        JsonPath again = awaitReplanned(tenant, put(tenant, path + "/hotels/REPLAN", body).then().statusCode(200)
                .extract().jsonPath());
        assertEquals(0, again.getInt("changes"), "the same settings change nothing");
        assertTrue(again.getInt("reservations") >= 1);
        assertEquals(after.getList("updatedAt"), Staff.viewer(tenant).get(changed.communicationsPath()).jsonPath()
                .getList("updatedAt"));
        // Back to the tenant's settings: the pre-stay moves back, the in-stay is wanted again.
        awaitReplanned(tenant, put(tenant, path + "/hotels/REPLAN", "{}").then().statusCode(200).extract().jsonPath());
        JsonPath back = Staff.viewer(tenant).get(changed.communicationsPath()).jsonPath();
        assertEquals(at(arrival.minusDays(7), "09:00"), dueOf(back, "PRE_STAY"));
        assertEquals("SCHEDULED", back.getString("find { it.step == 'IN_STAY' }.status"));
        assertEquals(1, KafkaTestClients.<org.guestcrm.events.CommunicationEvent>readAvro(
                        Topic.CRM_COMMUNICATIONS.topicName()).stream()
                .filter(r -> r.value() != null && r.value().getCommunicationId().toString().equals(preStayId)
                        && r.value().getStatus() == org.guestcrm.events.CommunicationStatus.RESCHEDULED
                        && r.value().getScheduledFor() != null
                        && r.value().getScheduledFor().equals(at(arrival.minusDays(5), "08:00")))
                .count(), "the move to the new time published once");
    }

    @Test
    void theHotelsAndTheTenantsDefaultLanguageComeBetweenTheGuestsAndEnglish() throws Exception {
        String tenant = "jlang-" + UUID.randomUUID().toString().substring(0, 8);
        String path = "/api/v1/journeys/" + tenant;
        Staff.viewer(tenant).get(path).then().statusCode(200).body("effective.language", equalTo("en"));
        put(tenant, path, "{\"language\": \"DE\"}").then().statusCode(200)
                .body("override.language", equalTo("de")).body("effective.language", equalTo("de"));
        put(tenant, path + "/hotels/FRHOTEL", "{\"language\": \"fr\"}").then().statusCode(200)
                .body("effective.language", equalTo("fr"));
        Staff.viewer(tenant).get(path + "/hotels/PLAINHOTEL").then().statusCode(200)
                .body("effective.language", equalTo("de"));

        // Guests whose language has no template (Italian) get the hotel's, else the tenant's; their own when it has one.
        LocalDate arrival = LocalDate.now(ZoneOffset.UTC).plusDays(20);
        Booking atHotel = new Booking(tenant, "FRHOTEL", "L" + UUID.randomUUID().toString().substring(0, 6),
                "lh-" + tenant + "@example.com");
        Booking atOther = new Booking(tenant, "PLAINHOTEL", "L" + UUID.randomUUID().toString().substring(0, 6),
                "lt-" + tenant + "@example.com");
        Booking english = new Booking(tenant, "FRHOTEL", "L" + UUID.randomUUID().toString().substring(0, 6),
                "le-" + tenant + "@example.com");
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), atHotel.key(), inLanguage(
                atHotel.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(2)), "it"));
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), atOther.key(), inLanguage(
                atOther.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(2)), "it"));
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), english.key(),
                english.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(2)));

        jakarta.mail.internet.MimeMessage hotelMail = awaitMailTo(atHotel.email());
        assertEquals("fr", hotelMail.getHeader("Content-Language")[0], "the hotel's default language");
        assertEquals("it -> fr", hotelMail.getHeader("X-GuestCRM-Template-Fallback")[0]);
        jakarta.mail.internet.MimeMessage tenantMail = awaitMailTo(atOther.email());
        assertEquals("de", tenantMail.getHeader("Content-Language")[0], "the tenant's default language");
        assertEquals("it -> de", tenantMail.getHeader("X-GuestCRM-Template-Fallback")[0]);
        jakarta.mail.internet.MimeMessage guestsOwn = awaitMailTo(english.email());
        assertEquals("en", guestsOwn.getHeader("Content-Language")[0], "the guest's own language first");
        assertEquals(null, guestsOwn.getHeader("X-GuestCRM-Template-Fallback"));
    }

    private static org.guestcrm.events.ReservationChanged inLanguage(org.guestcrm.events.ReservationChanged snapshot,
                                                                     String language) {
        return org.guestcrm.events.ReservationChanged.newBuilder(snapshot).setGuests(new java.util.ArrayList<>(
                java.util.List.of(org.guestcrm.events.ReservationGuest.newBuilder(snapshot.getGuests().getFirst())
                        .setLanguage(language).build()))).build();
    }

    private static jakarta.mail.internet.MimeMessage awaitMailTo(String email) {
        java.util.List<jakarta.mail.internet.MimeMessage> found = new java.util.ArrayList<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (jakarta.mail.internet.MimeMessage m : org.guestcrm.testsupport.MailServer.shared().receivedMessages()) {
                if (java.util.Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().equals(email))) {
                    found.add(m);
                    return true;
                }
            }
            return false;
        });
        return found.getFirst();
    }

    @Test
    void badSettingsAreRefusedNamingEachFieldAndChangeNothing() {
        String tenant = "jbad-" + UUID.randomUUID().toString().substring(0, 8);
        String path = "/api/v1/journeys/" + tenant;
        put(tenant, path, "{\"quietHours\": \"22:00-07:00\"}").then().statusCode(200);
        put(tenant, path, "{\"steps\": {\"preStay\": {\"daysFromArrival\": 3, \"at\": \"25:00\", \"lateBooking\": "
                + "\"LATER\", \"freshness\": \"P90D\"}, \"bogus\": {}, \"inStay\": {\"minimumNights\": 0}}, "
                + "\"quietHours\": \"late\", \"noShowCutoff\": \"7pm\", \"language\": \"german\", \"extra\": 1}").then()
                .statusCode(400).contentType("application/problem+json")
                .body("invalidParams.name", containsInAnyOrder("steps.preStay.daysFromArrival", "steps.preStay.at",
                        "steps.preStay.lateBooking", "steps.preStay.freshness", "steps.bogus",
                        "steps.inStay.minimumNights", "quietHours", "noShowCutoff", "language", "extra"));
        put(tenant, path, "not json").then().statusCode(400).body("invalidParams.name", hasItem("body"));
        put(tenant, path, "[1]").then().statusCode(400).body("invalidParams.name", hasItem("body"));
        put(tenant, path + "/hotels/" + "H".repeat(101), "{}").then().statusCode(400)
                .body("invalidParams.name", hasItem("hotelCode"));
        Staff.viewer(tenant).get(path).then().statusCode(200).body("effective.quietHours", equalTo("22:00-07:00"));

        Staff.viewer(tenant).contentType(ContentType.JSON).body("{}").put(path).then().statusCode(403);
        Staff.as("other-" + tenant, Roles.MARKETER).get(path).then().statusCode(404);
        Staff.as("other-" + tenant, Roles.MARKETER).contentType(ContentType.JSON).body("{}").put(path).then()
                .statusCode(404);
    }

    @Inject
    jakarta.persistence.EntityManager entityManager;

    /**
     * Issue 9: the re-plan is a background job that resumes after a crash and that replicas cannot apply twice. A job
     * left by a replica whose lease is still valid is not touched; once that lease has expired (the replica crashed
     * after its first page, its cursor after reservation A) this service takes it over and plans the rest (B) with the
     * new settings, not A again, and marks it DONE.
     */
    @Test
    void aReplanJobLeftByACrashedReplicaIsResumedAfterItsLastPageAndALiveLeaseIsLeftAlone() throws Exception {
        String tenant = "jres-" + UUID.randomUUID().toString().substring(0, 8);
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        LocalDate arrival = LocalDate.now(ZoneOffset.UTC).plusDays(20);
        Booking first = new Booking(tenant, "RESUME", "A" + suffix, "ra-" + tenant + "@example.com");
        Booking second = new Booking(tenant, "RESUME", "B" + suffix, "rb-" + tenant + "@example.com");
        for (Booking booking : java.util.List.of(first, second)) {
            KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), booking.key(),
                    booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(2)));
        }
        Predicate<JsonPath> planned = list -> list.getList("step").contains("PRE_STAY");
        JsonPath firstBefore = awaitCommunications(first, planned);
        awaitCommunications(second, planned);

        // The settings changed and their job written by "another replica", which did the page up to A, then crashed.
        java.util.UUID job = java.util.UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
            settings.store(tenant, "RESUME", org.guestcrm.journey.domain.JourneyOverride.read(java.util.Map.of("steps",
                    java.util.Map.of("preStay", java.util.Map.of("daysFromArrival", -5, "at", "08:00")))), "test", now);
            entityManager.createNativeQuery("""
                            INSERT INTO settings_replan_job (id, tenant, hotel_code, status, after_hotel, after_id, pages,
                                reservations, requested_by, requested_at, lease_owner, lease_expires_at, updated_at)
                            VALUES (:id, :tenant, 'RESUME', 'PENDING', 'RESUME', :after, 1, 1, 'test', :now,
                                'crashed-replica', now() + interval '1 hour', :now)""")
                    .setParameter("id", job).setParameter("tenant", tenant).setParameter("after", first.reservationId())
                    .setParameter("now", now.atOffset(ZoneOffset.UTC)).executeUpdate();
        });
        String href = "/api/v1/journeys/" + tenant + "/replans/" + job;
        // Its lease is valid: a pass of this replica's job runner (the one its scheduler makes every second) leaves it
        // alone. Run here, twice, so the check does not depend on the scheduler having come round meanwhile.
        jobs.runPending();
        jobs.runPending();
        Staff.viewer(tenant).get(href).then().statusCode(200).body("status", equalTo("PENDING"))
                .body("pages", equalTo(1));
        assertEquals(at(arrival.minusDays(7), "09:00"), dueOf(Staff.viewer(tenant).get(second.communicationsPath())
                .jsonPath(), "PRE_STAY"), "nothing planned under another replica's lease");

        // The lease runs out: the job is taken over and finished from its cursor.
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
                "UPDATE settings_replan_job SET lease_expires_at = now() - interval '1 second' WHERE id = :id")
                .setParameter("id", job).executeUpdate());
        JsonPath done = awaitReplanned(tenant, JsonPath.from("{\"replan\": {\"href\": \"" + href + "\"}}"));
        assertEquals(2, done.getInt("reservations"), "the crashed replica's page and B");
        assertEquals(2, done.getInt("pages"));
        JsonPath secondAfter = Staff.viewer(tenant).get(second.communicationsPath()).jsonPath();
        assertEquals("RESCHEDULED", secondAfter.getString("find { it.step == 'PRE_STAY' }.status"));
        assertEquals(at(arrival.minusDays(5), "08:00"), dueOf(secondAfter, "PRE_STAY"));
        assertEquals(firstBefore.getList("updatedAt"), Staff.viewer(tenant).get(first.communicationsPath()).jsonPath()
                .getList("updatedAt"), "A, before the cursor, is not planned again by the resumed job");
        Staff.viewer("other-" + tenant).get(href).then().statusCode(404);
        Staff.viewer(tenant).get("/api/v1/journeys/" + tenant + "/replans/" + java.util.UUID.randomUUID()).then()
                .statusCode(404);
    }

    /**
     * Issue 9: a re-plan job whose page keeps failing stops instead of retrying forever. Reservation B's stored row
     * cannot be planned (its departure was made to fall before its arrival, as a broken row would have it): the page
     * holding A and B is tried {@link SettingsReplanJobs#MAX_PAGE_ATTEMPTS} times, then the job is FAILED naming B's key
     * and the exception (no guest data), counted in /q/metrics; the page's work is rolled back (A keeps its plan). Once
     * the row is fixed, the same PUT again starts a new job that finishes.
     */
    @Test
    void aReplanJobWhosePageKeepsFailingStopsFailedNamingTheReservationAndAFixedRowLetsANewJobFinish() {
        String tenant = "jfail-" + UUID.randomUUID().toString().substring(0, 8);
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        LocalDate arrival = LocalDate.now(ZoneOffset.UTC).plusDays(20);
        Booking first = new Booking(tenant, "BROKEN", "A" + suffix, "fa-" + tenant + "@example.com");
        Booking second = new Booking(tenant, "BROKEN", "B" + suffix, "fb-" + tenant + "@example.com");
        for (Booking booking : java.util.List.of(first, second)) {
            KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), booking.key(),
                    booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(2)));
        }
        Predicate<JsonPath> planned = list -> list.getList("step").contains("PRE_STAY");
        awaitCommunications(first, planned);
        awaitCommunications(second, planned);
        setDeparture(second, arrival.minusDays(1));
        double failedBefore = failedJobsCounted();

        String path = "/api/v1/journeys/" + tenant + "/hotels/BROKEN";
        String body = "{\"steps\": {\"preStay\": {\"daysFromArrival\": -5, \"at\": \"08:00\"}}}";
        String href = put(tenant, path, body).then().statusCode(200).extract().jsonPath().getString("replan.href");
        JsonPath[] job = new JsonPath[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            job[0] = Staff.viewer(tenant).get(href).then().statusCode(200).extract().jsonPath();
            assertTrue(java.util.Set.of("PENDING", "FAILED").contains(job[0].getString("status")), job[0].prettify());
            return "FAILED".equals(job[0].getString("status"));
        });
        assertEquals(tenant + ":BROKEN:" + second.reservationId(), job[0].getString("failedReservation"));
        assertEquals(SettingsReplanJobs.MAX_PAGE_ATTEMPTS, job[0].getInt("attempts"));
        String reason = job[0].getString("failureReason");
        assertTrue(reason.contains("InvalidReservationException"), reason);
        assertTrue(!reason.contains("@") && !reason.contains(tenant), "no guest data nor key in the reason: " + reason);
        assertTrue(job[0].getString("finishedAt") != null);
        assertEquals(0, job[0].getInt("pages"), "the failing page committed nothing");
        assertEquals(failedBefore + 1, failedJobsCounted(), "one FAILED job counted");
        assertEquals(at(arrival.minusDays(7), "09:00"), dueOf(Staff.viewer(tenant).get(first.communicationsPath())
                .jsonPath(), "PRE_STAY"), "A, in the failed page, keeps its plan");

        setDeparture(second, arrival.plusDays(2));
        JsonPath done = awaitReplanned(tenant, put(tenant, path, body).then().statusCode(200).extract().jsonPath());
        assertEquals(2, done.getInt("reservations"));
        assertEquals(0, done.getInt("attempts"));
        for (Booking booking : java.util.List.of(first, second)) {
            assertEquals(at(arrival.minusDays(5), "08:00"), dueOf(Staff.viewer(tenant).get(booking.communicationsPath())
                    .jsonPath(), "PRE_STAY"));
        }
    }

    private void setDeparture(Booking booking, LocalDate departure) {
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> assertEquals(1, entityManager
                .createNativeQuery("""
                        UPDATE reservation SET departure = :departure
                         WHERE tenant = :tenant AND hotel_code = 'BROKEN' AND pms_reservation_id = :id""")
                .setParameter("departure", departure).setParameter("tenant", booking.tenant())
                .setParameter("id", booking.reservationId()).executeUpdate()));
    }

    private static double failedJobsCounted() {
        String metrics = Staff.ops().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith("guestcrm_journey_settings_replan_failed_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no guestcrm_journey_settings_replan_failed_total"));
    }

    /** Waits until the re-plan job a PUT answered with is DONE; returns the job. */
    static JsonPath awaitReplanned(String tenant, JsonPath putAnswer) {
        String href = putAnswer.getString("replan.href");
        assertTrue(href != null && href.startsWith("/api/v1/journeys/" + tenant + "/replans/"), String.valueOf(href));
        JsonPath[] job = new JsonPath[1];
        org.awaitility.Awaitility.await().atMost(WAIT).pollInterval(java.time.Duration.ofMillis(200)).until(() -> {
            job[0] = Staff.viewer(tenant).get(href).then().statusCode(200).extract().jsonPath();
            return "DONE".equals(job[0].getString("status"));
        });
        return job[0];
    }

    private static io.restassured.response.Response put(String tenant, String path, String body) {
        return Staff.as(tenant, Roles.MARKETER).contentType(ContentType.JSON).body(body).put(path);
    }

    private static Instant at(LocalDate day, String time) {
        return day.atTime(LocalTime.parse(time)).toInstant(ZoneOffset.UTC);
    }

    private static Instant dueOf(JsonPath list, String step) {
        return Instant.parse(list.getString("find { it.step == '" + step + "' }.dueAt"));
    }

    private static JsonPath awaitCommunications(Booking booking, Predicate<JsonPath> condition) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            var response = Staff.viewer(booking.tenant()).get(booking.communicationsPath());
            if (response.statusCode() != 200) {
                return false;
            }
            last[0] = response.jsonPath();
            return condition.test(last[0]);
        });
        return last[0];
    }
}

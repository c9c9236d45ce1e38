package org.guestcrm.connector.api;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.guestcrm.connector.Samples;
import org.guestcrm.connector.Staff;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.ProfileChangeType;
import org.guestcrm.events.ReservationChangeType;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients.DecodedRecord;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * OTA_ProfileCreateRQ, OTA_ProfileModifyRQ, OTA_ProfileMergeRQ (the official sample) and OTA_CancelRQ pushed over HTTP:
 * each answered with its RS, read back from Kafka; redeliveries, reordering, retransmissions and bad input.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "connector"))
class OtaProfileAndCancelPushTest {

    @Inject
    DataSource dataSource;

    private static String written(String name) {
        return org.guestcrm.connector.Samples.written(name);
    }

    private static String unique(String prefix) {
        return prefix + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<DecodedRecord<T>> emitted(Topic topic,
                                                                                                     String messageId, int count) {
        return await().atMost(Duration.ofSeconds(60))
                .until(() -> OtaPushTest.<T>recordsOf(topic.topicName(), messageId), l -> l.size() == count);
    }

    @Test
    void createThenModifyEmitTheProfileStateAndARedeliveryOrAnOlderModifyEmitsNothing() throws Exception {
        String profileId = unique("P");
        String create = written("OTA_ProfileCreateRQ.xml").replace("PROFILE-ID", profileId);
        String createId = OtaPushTest.postOta("demo-ota", "demo", create).then().statusCode(200)
                .body(containsString("<OTA_ProfileCreateRS"))
                .body(containsString("<Success/><UniqueID Type=\"21\" ID=\"" + profileId + "\"/>"))
                .body(containsString("EchoToken=\"7001\""))
                .extract().header("X-Message-Id");
        GuestProfileChanged created = OtaProfileAndCancelPushTest.<GuestProfileChanged>emitted(Topic.PMS_PROFILES, createId, 1).getFirst().value();
        assertEquals(ProfileChangeType.UPSERTED, created.getChangeType());
        assertEquals(profileId, created.getPmsProfileId());
        assertEquals("Greta", created.getFirstName());
        assertEquals("DE", created.getNationality());
        assertEquals(1L, created.getPmsSequence());
        assertEquals("demo-ota", created.getPmsSystem());
        assertEquals(Boolean.FALSE, created.getMetadata().getHistory(), "a live push is not history");

        // the same change in a new envelope (EchoToken, TimeStamp) is a redelivery: nothing new
        String resent = create.replace("EchoToken=\"7001\"", "EchoToken=\"7991\"")
                .replace("TimeStamp=\"2026-03-01T09:00:00Z\"", "TimeStamp=\"2026-03-01T09:05:00Z\"");
        String resentId = OtaPushTest.postOta("demo-ota", "demo", resent).then().statusCode(200)
                .body(containsString("<Success/>")).extract().header("X-Message-Id");
        assertEquals(0, count("select count(*) from outbox_event where correlation_id = ?", resentId));

        // a modify with an e-mail typo and an impossible birth date: accepted, fields dropped, warnings name them
        String modify = written("OTA_ProfileModifyRQ.xml").replace("PROFILE-ID", profileId)
                .replace("greta@beispiel.example", "r..m51@leonard.net")
                .replace("BirthDate=\"1985-04-12\"", "BirthDate=\"1961-02-30\"");
        String modifyId = OtaPushTest.postOta("demo-ota", "demo", modify).then().statusCode(200)
                .body(containsString("<OTA_ProfileModifyRS"))
                .body(containsString("<Success/><Warnings>"))
                .body(containsString("Profile/Customer/Email is not an e-mail address; dropped"))
                .body(containsString("Profile/Customer@BirthDate is not a date"))
                .body(not(containsString("leonard"))).body(not(containsString("1961")))
                .extract().header("X-Message-Id");
        GuestProfileChanged modified = OtaProfileAndCancelPushTest.<GuestProfileChanged>emitted(Topic.PMS_PROFILES, modifyId, 1).getFirst().value();
        assertTrue(modified.getEmails().isEmpty());
        assertNull(modified.getBirthDate());
        assertEquals(Boolean.TRUE, modified.getMarketingFlags().getDoNotContact());
        assertEquals(2L, modified.getPmsSequence());

        // reordering: a modify the PMS made before the last one arrives late and is not emitted
        String late = written("OTA_ProfileModifyRQ.xml").replace("PROFILE-ID", profileId)
                .replace("LastModifyDateTime=\"2026-03-05T18:29:00Z\"", "LastModifyDateTime=\"2026-03-02T10:00:00Z\"")
                .replace("greta@beispiel.example", "greta.old@beispiel.example");
        String lateId = OtaPushTest.postOta("demo-ota", "demo", late).then().statusCode(200)
                .body(containsString("<Success/>")).extract().header("X-Message-Id");
        assertEquals(0, count("select count(*) from outbox_event where correlation_id = ?", lateId));
        Staff.ops().get("/q/metrics").then().statusCode(200)
                .body(containsString("connector_fields_dropped_total{feed=\"demo-ota\",field=\"email\"}"))
                .body(containsString("connector_versions_skipped_total{aggregate=\"profile\",feed=\"demo-ota\",reason=\"older\"}"));
    }

    @Test
    void theOfficialMergeSampleMergesTheObsoleteProfileIntoTheSurvivor() throws Exception {
        String merge = Samples.read("OTA_ProfileMergeRQ.xml");
        String mergeId = OtaPushTest.postOta("demo-ota", "demo", merge).then().statusCode(200)
                .body(containsString("<OTA_ProfileMergeRS"))
                .body(containsString("<Success/><UniqueID Type=\"21\" ID=\"ABC123\"/>"))
                .extract().header("X-Message-Id");
        List<DecodedRecord<GuestProfileChanged>> events = emitted(Topic.PMS_PROFILES, mergeId, 2);
        GuestProfileChanged obsolete = events.stream().map(DecodedRecord::value)
                .filter(e -> e.getPmsProfileId().equals("ABC456")).findFirst().orElseThrow();
        assertEquals(ProfileChangeType.MERGED_INTO_OTHER, obsolete.getChangeType());
        assertEquals("ABC123", obsolete.getMergedIntoPmsProfileId());
        GuestProfileChanged survivor = events.stream().map(DecodedRecord::value)
                .filter(e -> e.getPmsProfileId().equals("ABC123")).findFirst().orElseThrow();
        assertEquals(ProfileChangeType.UPSERTED, survivor.getChangeType());
        assertNull(survivor.getMergedIntoPmsProfileId());
        assertEquals("Smith", survivor.getLastName());
        assertEquals("smith@xyz.com", survivor.getEmails().getFirst().getAddress());
        assertEquals("demo:demo-ota:ABC456", events.stream().filter(e -> e.value() == obsolete).findFirst().orElseThrow().key());

        // the PMS retransmits the identical message, marked as such: Success, nothing emitted again
        String retransmitted = merge.replace("SequenceNmbr=\"1\"", "SequenceNmbr=\"1\" RetransmissionIndicator=\"true\"");
        String retransmittedId = OtaPushTest.postOta("demo-ota", "demo", retransmitted).then().statusCode(200)
                .body(containsString("<Success/>")).extract().header("X-Message-Id");
        assertEquals(0, count("select count(*) from outbox_event where correlation_id = ?", retransmittedId));
        Staff.ops().get("/q/metrics").then()
                .body(containsString("connector_ota_retransmissions_total{feed=\"demo-ota\",outcome=\"known\"}"));
    }

    @Test
    void aCancelByIdAppliesToTheLastStateAndIsAnsweredWithTheCancelRs() throws Exception {
        String reservationId = unique("C");
        String booking = Samples.otaHotelResNotif().replace("ResID_Value=\"7865\"", "ResID_Value=\"" + reservationId + "\"");
        String bookingId = OtaPushTest.postOta("demo-ota", "demo", booking).then().statusCode(200)
                .extract().header("X-Message-Id");
        ReservationChanged booked = OtaProfileAndCancelPushTest.<ReservationChanged>emitted(Topic.PMS_RESERVATIONS, bookingId, 1).getFirst().value();

        String cancel = written("OTA_CancelRQ.xml").replace("RESERVATION-ID", reservationId);
        String cancelId = OtaPushTest.postOta("demo-ota", "demo", cancel).then().statusCode(200)
                .body(containsString("<OTA_CancelRS"))
                .body(containsString("Status=\"Cancelled\""))
                .body(containsString("<CancelInfoRS><UniqueID Type=\"14\" ID=\"" + reservationId + "\"/></CancelInfoRS>"))
                .extract().header("X-Message-Id");
        DecodedRecord<ReservationChanged> record = OtaProfileAndCancelPushTest.<ReservationChanged>emitted(Topic.PMS_RESERVATIONS, cancelId, 1).getFirst();
        ReservationChanged cancelled = record.value();
        assertEquals(ReservationChangeType.CANCELLED, cancelled.getChangeType());
        assertEquals(Boolean.FALSE, cancelled.getMetadata().getHistory());
        assertEquals(ReservationStatus.CANCELLED, cancelled.getStatus());
        assertEquals(booked.getArrival(), cancelled.getArrival(), "the stay is the last state's");
        assertEquals(booked.getGuests(), cancelled.getGuests());
        assertEquals(booked.getHotelCode(), cancelled.getHotelCode());
        assertEquals("Guest changed plans", cancelled.getCancellationReason());
        assertEquals(9L, cancelled.getPmsSequence());
        assertEquals(java.time.Instant.parse("2026-03-10T07:15:00Z"), cancelled.getCancelledAt());
        assertEquals("demo:" + booked.getHotelCode() + ":" + reservationId, record.key());

        // the card in Verification is stored nowhere
        assertEquals(0, count("select count(*) from inbound_message where masked_payload like ?", "%" + Samples.CARD_NUMBER + "%"));
        // the same cancel in a new envelope: nothing new
        String again = cancel.replace("EchoToken=\"7101\"", "EchoToken=\"7102\"");
        String againId = OtaPushTest.postOta("demo-ota", "demo", again).then().statusCode(200)
                .body(containsString("Status=\"Cancelled\"")).extract().header("X-Message-Id");
        assertEquals(0, count("select count(*) from outbox_event where correlation_id = ?", againId));
        // the original booking redelivered late (its version is older): not revived
        String lateBooking = booking.replace("EchoToken=\"", "EchoToken=\"9");
        String lateId = OtaPushTest.postOta("demo-ota", "demo", lateBooking).then().statusCode(200)
                .extract().header("X-Message-Id");
        assertEquals(0, count("select count(*) from outbox_event where correlation_id = ?", lateId));
    }

    @Test
    void aCancelBeforeItsBookingIsHeldSoTheOlderBookingArrivingLaterIsNotEmitted() throws Exception {
        String reservationId = unique("E");
        String cancel = written("OTA_CancelRQ.xml").replace("RESERVATION-ID", reservationId)
                .replace("<Verification>", "<Verification><Vendor Code=\"WASJW\"/>");
        String cancelId = OtaPushTest.postOta("demo-ota", "demo", cancel).then().statusCode(200)
                .body(containsString("Status=\"Cancelled\""))
                .body(containsString("names a reservation not received yet"))
                .extract().header("X-Message-Id");
        assertEquals(0, count("select count(*) from outbox_event where correlation_id = ?", cancelId));
        String booking = Samples.otaHotelResNotif().replace("ResID_Value=\"7865\"", "ResID_Value=\"" + reservationId + "\"");
        String bookingId = OtaPushTest.postOta("demo-ota", "demo", booking).then().statusCode(200)
                .extract().header("X-Message-Id");
        assertEquals(0, count("select count(*) from outbox_event where correlation_id = ? and topic = ?", bookingId,
                Topic.PMS_RESERVATIONS.topicName()), "the booking (2005) is older than the cancel (2026)");
    }

    @Test
    void badProfileAndCancelMessagesAreRefusedWithTheirRsNamingTheFieldAndStoreNothing() throws Exception {
        long before = count("select count(*) from inbound_message where message_type like ?", "OTA_%");
        OtaPushTest.postOta("demo-ota", "demo", written("OTA_ProfileCreateRQ.xml").replace("<UniqueID Type=\"21\" ID=\"PROFILE-ID\"/>", ""))
                .then().statusCode(400)
                .body(containsString("<OTA_ProfileCreateRS"))
                .body(containsString("<Errors><Error Type=\"10\" Code=\"321\" ShortText=\"Required field missing\">UniqueID@ID is required"));
        OtaPushTest.postOta("demo-ota", "demo", Samples.read("OTA_ProfileMergeRQ.xml").replace("<ObsoleteProfileID Type=\"21\" ID=\"ABC456\"/>", ""))
                .then().statusCode(400).body(containsString("<OTA_ProfileMergeRS"))
                .body(containsString("ObsoleteProfileID@ID is required"));
        OtaPushTest.postOta("demo-ota", "demo", written("OTA_ProfileModifyRQ.xml").replace("TimeStamp=\"2026-03-05T18:30:00Z\"", "TimeStamp=\"2026-13-05\""))
                .then().statusCode(400).body(containsString(">OTA_ProfileModifyRQ@TimeStamp is not a date-time</Error>"));
        // a cancel naming a reservation this feed never sent, without a hotel: ERR 245
        OtaPushTest.postOta("demo-ota", "demo", written("OTA_CancelRQ.xml").replace("RESERVATION-ID", unique("U")))
                .then().statusCode(400).body(containsString("<OTA_CancelRS"))
                .body(containsString("Code=\"245\""))
                .body(containsString("UniqueID names a reservation this feed has not sent"));
        OtaPushTest.postOta("demo-ota", "demo", written("OTA_CancelRQ.xml").replace("CancelType=\"Commit\"", "CancelType=\"Later\""))
                .then().statusCode(400).body(containsString("OTA_CancelRQ@CancelType must be"));
        OtaPushTest.postOta("demo-ota", null, Samples.read("OTA_ProfileMergeRQ.xml")).then().statusCode(401);
        assertEquals(before, count("select count(*) from inbound_message where message_type like ?", "OTA_%"),
                "nothing refused is stored");
        // CancelType Initiate changes nothing and says so
        String reservationId = unique("I");
        OtaPushTest.postOta("demo-ota", "demo", written("OTA_CancelRQ.xml").replace("RESERVATION-ID", reservationId)
                        .replace("CancelType=\"Commit\"", "CancelType=\"Initiate\""))
                .then().statusCode(200).body(containsString("Status=\"Ignored\""))
                .body(containsString("CancelType does not cancel"));
    }

    private long count(String sql, String... parameters) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

}

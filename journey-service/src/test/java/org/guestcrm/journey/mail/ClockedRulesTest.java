package org.guestcrm.journey.mail;

import static org.awaitility.Awaitility.await;
import static org.guestcrm.journey.it.Campaigns.awaitCampaign;
import static org.guestcrm.journey.it.Campaigns.awaitPreview;
import static org.guestcrm.journey.it.Campaigns.create;
import static org.guestcrm.journey.it.Campaigns.emailOf;
import static org.guestcrm.journey.it.Campaigns.guest;
import static org.guestcrm.journey.it.Campaigns.launch;
import static org.guestcrm.journey.it.Campaigns.reasonOf;
import static org.guestcrm.journey.mail.MailTestSupport.WAIT;
import static org.guestcrm.journey.mail.MailTestSupport.awaitCommunications;
import static org.guestcrm.journey.mail.MailTestSupport.idOf;
import static org.guestcrm.journey.mail.MailTestSupport.messageIdOf;
import static org.guestcrm.journey.mail.MailTestSupport.stepIs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.events.ConsentChannel;
import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.ConsentPurpose;
import org.guestcrm.events.ConsentSource;
import org.guestcrm.events.ConsentStatus;
import org.guestcrm.events.ReservationChangeType;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationStatus;
import org.guestcrm.journey.it.Booking;
import org.guestcrm.journey.it.Campaigns;
import org.guestcrm.journey.it.Staff;
import org.guestcrm.journey.time.ControllableClock;
import org.guestcrm.platform.security.Roles;
import org.guestcrm.schemas.Topic;
import org.guestcrm.testsupport.KafkaTestClients;
import org.guestcrm.testsupport.MailServer;
import org.guestcrm.testsupport.RealInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.persistence.EntityManager;

/**
 * Issue 9's rules proved on the service's own clock ({@link ControllableClock}, {@link ClockedProfile}): records go
 * to the real Kafka, the service plans them in PostgreSQL, the test moves the clock (never a row's due time) and looks
 * at the SMTP server (GreenMail) and at the communications with their status and reason. Where a rule says a mail does
 * not go, another mail due at the same moment going out proves the dispatcher ran at that time (no timed wait).
 * <p>
 * The days are 60 days ahead of the real date, so nothing planned here comes due on the real clock of the other test
 * applications of the same run. With {@code -Dclocked.rules.system-clock=true} the service keeps the system clock
 * whatever the tests set: every test here then fails (checked; see the README).
 */
@QuarkusTest
@TestProfile(ClockedProfile.class)
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))
class ClockedRulesTest {

    private static final ZoneId ZURICH = ZoneId.of("Europe/Zurich");
    private static final Duration NOTICE_WINDOW = Duration.ofMinutes(10); // %test.journey.steps.notices.window

    @Inject
    ControllableClock clock;

    @Inject
    EntityManager entityManager;

    @Inject
    CommunicationDispatcher dispatcher;

    /** The first day of each test: 60 days after the real date (see the class comment). */
    private final LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(60);

    @AfterEach
    void backToTheSystemClock() {
        clock.reset();
    }

    @Test
    void aDateMoveReschedulesThePendingStepsAndTheMailGoesAtTheNewTimeNotTheOld() throws Exception {
        Instant booked = at(day, 8, 0);
        clock.set(booked);
        LocalDate arrival = day.plusDays(10);
        Booking moved = Booking.unique();
        Booking control = Booking.unique();
        JsonPath planned = bookedAndConfirmed(moved, arrival, booked);
        assertEquals(at(arrival.minusDays(7), 9, 0), dueAt(planned, "PRE_STAY"));
        bookedAndConfirmed(control, arrival, booked);

        Instant changed = booked.plus(Duration.ofHours(1));
        clock.set(changed);
        LocalDate later = arrival.plusDays(10);
        send(moved, moved.snapshot(2, ReservationStatus.CONFIRMED, later, later.plusDays(3),
                ReservationChangeType.MODIFIED, false, changed));
        JsonPath rescheduled = awaitCommunications(moved, stepIs("PRE_STAY", "RESCHEDULED"));
        assertEquals(at(later.minusDays(7), 9, 0), dueAt(rescheduled, "PRE_STAY"));
        assertEquals(at(later.minusDays(1), 10, 0), dueAt(rescheduled, "PRE_CHECK_IN"));
        UUID preStay = idOf(rescheduled, "PRE_STAY");

        // The change's notice goes after its window, with the new dates.
        clock.set(changed.plus(NOTICE_WINDOW).plus(Duration.ofMinutes(5)));
        awaitCommunications(moved, stepIs("MODIFICATION", "SENT"));

        // The old time passes: the control's pre-stay, due then, goes; the moved one's does not.
        clock.set(at(arrival.minusDays(7), 9, 30));
        awaitCommunications(control, stepIs("PRE_STAY", "SENT"));
        assertEquals("RESCHEDULED", statusOf(moved, "PRE_STAY"));
        assertEquals(0, mailsWithId(moved, preStay), "no pre-stay mail at the old time");

        // The new time: it goes, once.
        clock.set(at(later.minusDays(7), 9, 30));
        JsonPath sent = awaitCommunications(moved, stepIs("PRE_STAY", "SENT"));
        assertEquals(1, mailsWithId(moved, preStay));
        assertFalse(sentAt(sent, "PRE_STAY").isBefore(at(later.minusDays(7), 9, 0)), "sent at the new time");
        assertEquals(3, MailServer.shared().messagesTo(moved.email()).size(), "confirmation, modification, pre-stay");
    }

    @Test
    void aCancellationCancelsThePendingStepsAndItsNoticeIsMailedAfterItsWindow() throws Exception {
        Instant booked = at(day, 8, 0);
        clock.set(booked);
        LocalDate arrival = day.plusDays(10);
        Booking cancelled = Booking.unique();
        Booking control = Booking.unique();
        bookedAndConfirmed(cancelled, arrival, booked);
        bookedAndConfirmed(control, arrival, booked);

        Instant change = booked.plus(Duration.ofHours(1));
        clock.set(change);
        send(cancelled, cancelled.snapshot(2, ReservationStatus.CANCELLED, arrival, arrival.plusDays(3),
                ReservationChangeType.CANCELLED, false, change));
        JsonPath after = awaitCommunications(cancelled, list -> "CANCELLED".equals(statusIn(list, "PRE_STAY"))
                && "SCHEDULED".equals(statusIn(list, "CANCELLATION")));
        for (String step : List.of("PRE_STAY", "PRE_CHECK_IN", "IN_STAY", "POST_STAY_SURVEY")) {
            assertEquals("CANCELLED", statusIn(after, step), step);
            assertEquals("reservation cancelled", after.getString("find { it.step == '" + step + "' }.reason"), step);
        }
        assertFalse(dueAt(after, "CANCELLATION").isBefore(change.plus(NOTICE_WINDOW)), "due after its window");
        UUID notice = idOf(after, "CANCELLATION");

        clock.set(change.plus(NOTICE_WINDOW).plus(Duration.ofMinutes(5)));
        awaitCommunications(cancelled, stepIs("CANCELLATION", "SENT"));
        assertEquals(1, mailsWithId(cancelled, notice));
        assertTrue(mailWithId(cancelled, notice).getSubject().contains("cancelled"),
                mailWithId(cancelled, notice).getSubject());

        // The pre-stay's time: the control gets its pre-stay, the cancelled booking nothing more.
        clock.set(at(arrival.minusDays(7), 9, 30));
        awaitCommunications(control, stepIs("PRE_STAY", "SENT"));
        assertEquals(2, MailServer.shared().messagesTo(cancelled.email()).size(), "confirmation and cancellation");
    }

    @Test
    void missingFromExportHoldsTheGuestsMailsPastTheirTimeUntilThePmsSettlesTheReservation() throws Exception {
        Instant booked = at(day, 8, 0);
        clock.set(booked);
        LocalDate arrival = day.plusDays(10);
        Booking held = Booking.unique();
        Booking control = Booking.unique();
        UUID preCheckIn = idOf(bookedAndConfirmed(held, arrival, booked), "PRE_CHECK_IN");
        bookedAndConfirmed(control, arrival, booked);

        Instant missing = booked.plus(Duration.ofHours(1));
        clock.set(missing);
        send(held, held.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3),
                ReservationChangeType.MISSING_FROM_EXPORT, false, missing));
        JsonPath onHold = awaitCommunications(held, list -> "HELD".equals(statusIn(list, "PRE_STAY"))
                && "HELD".equals(statusIn(list, "PRE_CHECK_IN")));
        assertEquals("held: reservation missing from the PMS export",
                onHold.getString("find { it.step == 'PRE_CHECK_IN' }.reason"));
        assertEquals("SENT", statusIn(onHold, "CONFIRMATION"), "what was sent stays sent");

        // The pre-check-in's time passes while held: the control's goes, the held one does not.
        clock.set(at(arrival.minusDays(1), 10, 30));
        awaitCommunications(control, stepIs("PRE_CHECK_IN", "SENT"));
        assertEquals("HELD", statusOf(held, "PRE_CHECK_IN"));
        assertEquals(1, MailServer.shared().messagesTo(held.email()).size(), "only the confirmation");

        // Exported again, unchanged (same version): settled. What came due meanwhile goes now while still fresh (the
        // pre-check-in, an hour late), else is skipped as stale (the pre-stay, six days late).
        Instant settled = at(arrival.minusDays(1), 11, 0);
        clock.set(settled);
        send(held, held.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3),
                ReservationChangeType.MODIFIED, false, settled));
        JsonPath released = awaitCommunications(held, stepIs("PRE_CHECK_IN", "SENT"));
        assertEquals("SKIPPED", statusIn(released, "PRE_STAY"));
        assertEquals("stale: more than 1 day after its due time",
                released.getString("find { it.step == 'PRE_STAY' }.reason"));
        assertEquals("SCHEDULED", statusIn(released, "IN_STAY"), "released to its own time");
        assertEquals(1, mailsWithId(held, preCheckIn));
        assertEquals(2, MailServer.shared().messagesTo(held.email()).size());
    }

    @Test
    void noCheckInByTheHotelsCutOffCancelsInStayAndSurveyAndTheNoShowFollowUpIsMailedNextMorning() throws Exception {
        Instant booked = at(day, 8, 0);
        clock.set(booked);
        LocalDate arrival = day.plusDays(2);
        Booking unique = Booking.unique();
        Booking guest = new Booking(unique.tenant(), ClockedProfile.NO_SHOW_HOTEL, unique.reservationId(),
                unique.email());
        JsonPath planned = bookedAndConfirmed(guest, arrival, booked);
        assertEquals("SCHEDULED", statusIn(planned, "IN_STAY"));
        UUID inStay = idOf(planned, "IN_STAY");

        // 23:30 on the arrival day (cut-off 23:00), still CONFIRMED: the service's own sweep decides it.
        clock.set(at(arrival, 23, 30));
        JsonPath decided = awaitCommunications(guest, stepIs("NO_SHOW", "SCHEDULED"));
        String reason = "no-show: not checked in by the cut-off (23:00 on the arrival day)";
        assertEquals("CANCELLED", statusIn(decided, "IN_STAY"));
        assertEquals(reason, decided.getString("find { it.step == 'IN_STAY' }.reason"));
        assertEquals("CANCELLED", statusIn(decided, "POST_STAY_SURVEY"));
        assertEquals(reason, decided.getString("find { it.step == 'POST_STAY_SURVEY' }.reason"));
        assertEquals(at(arrival.plusDays(1), 10, 0), dueAt(decided, "NO_SHOW"));
        UUID followUp = idOf(decided, "NO_SHOW");

        // The next morning, when the in-stay mail would have gone: the follow-up goes instead.
        clock.set(at(arrival.plusDays(1), 10, 5));
        awaitCommunications(guest, stepIs("NO_SHOW", "SENT"));
        assertEquals("We missed you at Hotel Seeblick", mailWithId(guest, followUp).getSubject());
        assertEquals(0, mailsWithId(guest, inStay), "no in-stay mail");
        assertEquals(2, MailServer.shared().messagesTo(guest.email()).size(), "confirmation and follow-up");
    }

    @Test
    void aStepDueAt0200HotelTimeWaitsForTheEndOfTheQuietHoursWhenPlannedAndWhenSent() throws Exception {
        Booking unique = Booking.unique();
        // Tenant-wide: the pre-check-in at 02:00. QUIETZRH (Zurich, quiet 22:00-07:00) and SEEBLICK (UTC, none).
        Staff.as(unique.tenant(), Roles.MARKETER).contentType(ContentType.JSON)
                .body("{\"steps\": {\"preCheckIn\": {\"at\": \"02:00\"}}}")
                .put("/api/v1/journeys/" + unique.tenant()).then().statusCode(200);
        Booking quiet = new Booking(unique.tenant(), ClockedProfile.QUIET_HOTEL, unique.reservationId(), unique.email());
        Booking control = new Booking(unique.tenant(), "SEEBLICK", unique.reservationId() + "c", "c" + unique.email());
        Instant booked = at(day, 8, 0);
        clock.set(booked);
        LocalDate arrival = day.plusDays(10);
        JsonPath planned = bookedAndConfirmed(quiet, arrival, booked); // the confirmation is exempt
        assertEquals(zurich(arrival.minusDays(1), 7, 0), dueAt(planned, "PRE_CHECK_IN"), "02:00 is quiet there");
        JsonPath controlPlanned = bookedAndConfirmed(control, arrival, booked);
        assertEquals(at(arrival.minusDays(1), 2, 0), dueAt(controlPlanned, "PRE_CHECK_IN"));
        UUID preCheckIn = idOf(planned, "PRE_CHECK_IN");
        UUID inStay = idOf(planned, "IN_STAY");

        // 04:30 in Zurich: the control's 02:00 (UTC) pre-check-in goes, the quiet hotel's waits.
        clock.set(zurich(arrival.minusDays(1), 4, 30));
        awaitCommunications(control, stepIs("PRE_CHECK_IN", "SENT"));
        assertEquals("SCHEDULED", statusOf(quiet, "PRE_CHECK_IN"));
        assertEquals(0, mailsWithId(quiet, preCheckIn));

        clock.set(zurich(arrival.minusDays(1), 7, 5));
        JsonPath opened = awaitCommunications(quiet, stepIs("PRE_CHECK_IN", "SENT"));
        assertFalse(sentAt(opened, "PRE_CHECK_IN").isBefore(zurich(arrival.minusDays(1), 7, 0)));
        assertEquals(1, mailsWithId(quiet, preCheckIn));

        // At send time: the in-stay (10:00) comes due at 23:00 (a backlog, an outage) inside the quiet hours: it
        // waits for 07:00 (the control's in-stay, due too, goes), then goes.
        clock.set(zurich(arrival.plusDays(1), 23, 0));
        awaitCommunications(control, stepIs("IN_STAY", "SENT"));
        Instant morning = zurich(arrival.plusDays(2), 7, 0);
        await().atMost(WAIT).until(() -> morning.equals(nextAttemptAt(inStay)));
        assertEquals("SCHEDULED", statusOf(quiet, "IN_STAY"));
        assertEquals(0, mailsWithId(quiet, inStay));
        clock.set(zurich(arrival.plusDays(2), 7, 5));
        JsonPath sent = awaitCommunications(quiet, stepIs("IN_STAY", "SENT"));
        assertFalse(sentAt(sent, "IN_STAY").isBefore(morning));
        assertEquals(1, mailsWithId(quiet, inStay));
    }

    @Test
    void aLateBookingGetsThePreCheckInForTomorrowNowButNoPreStayAndNothingPreArrivalForTonight() throws Exception {
        Instant now = at(day, 12, 0);
        clock.set(now);
        Booking tomorrow = Booking.unique();
        Booking tonight = Booking.unique();
        book(tomorrow, day.plusDays(1), now);
        book(tonight, day, now);

        // Tomorrow's arrival: the pre-check-in (due today 10:00) goes now; the pre-stay (due 6 days ago) is skipped.
        JsonPath early = awaitCommunications(tomorrow, stepIs("PRE_CHECK_IN", "SENT"));
        assertEquals("SKIPPED", statusIn(early, "PRE_STAY"));
        assertEquals("due time passed", early.getString("find { it.step == 'PRE_STAY' }.reason"));
        assertEquals(1, mailsWithId(tomorrow, idOf(early, "PRE_CHECK_IN")));

        // Tonight's: neither pre-arrival mail (its confirmation going out shows the dispatcher ran).
        JsonPath late = awaitCommunications(tonight, stepIs("CONFIRMATION", "SENT"));
        for (String step : List.of("PRE_STAY", "PRE_CHECK_IN")) {
            assertEquals("SKIPPED", statusIn(late, step), step);
            assertEquals("due time passed", late.getString("find { it.step == '" + step + "' }.reason"), step);
        }
        assertEquals("SCHEDULED", statusIn(late, "IN_STAY"));
        assertEquals(1, MailServer.shared().messagesTo(tonight.email()).size(), "the confirmation only");
    }

    @Test
    void aConfirmationFirstSeenTooLongAfterTheBookingAndAStepNotSentInTimeAreSkippedNotMailedLate() throws Exception {
        Instant booked = at(day, 8, 0);
        LocalDate arrival = day.plusDays(10);
        Booking stale = Booking.unique();
        Booking control = Booking.unique();
        // Three days after the booking the service first sees it (a new consumer group, a restored database).
        clock.set(booked.plus(Duration.ofDays(3)));
        book(stale, arrival, booked);
        book(control, arrival, booked.plus(Duration.ofDays(3)).minus(Duration.ofHours(1)));
        awaitCommunications(control, stepIs("CONFIRMATION", "SENT"));
        JsonPath skipped = awaitCommunications(stale, stepIs("CONFIRMATION", "SKIPPED"));
        assertEquals("stale: booking made more than 2 days ago",
                skipped.getString("find { it.step == 'CONFIRMATION' }.reason"));
        assertEquals("SCHEDULED", statusIn(skipped, "PRE_CHECK_IN"), "its dated steps are still planned");
        assertEquals(0, MailServer.shared().messagesTo(stale.email()).size());

        // The in-stay (arrival + 1, 10:00; fresh for a day) first comes before the dispatcher 25 hours late.
        UUID inStay = idOf(awaitCommunications(control, list -> true), "IN_STAY");
        clock.set(at(arrival.plusDays(2), 11, 0));
        JsonPath late = awaitCommunications(control, stepIs("IN_STAY", "SKIPPED"));
        assertEquals("stale: more than 1 day after its due time", late.getString("find { it.step == 'IN_STAY' }.reason"));
        assertEquals(0, mailsWithId(control, inStay));
    }

    @Test
    void theFrequencyCapHoldsBackMarketingWithinItsPeriodOnTheClockNeverTransactionalMail() throws Exception {
        // ClockedProfile: tenant clocked-capped allows 1 marketing mail per guest in 30 days.
        String tenant = ClockedProfile.CAPPED_TENANT;
        String hotel = "CAP" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        String name = "cap" + UUID.randomUUID().toString().substring(0, 8);
        Instant start = at(day, 9, 0);
        clock.set(start);
        String capped = guest(tenant, name, hotel, ConsentStatus.GRANTED);
        String segment = "\"segment\": {\"hotelCodes\": [\"" + hotel + "\"]}, \"schedule\": \"now\"}";
        String first = create(tenant, "{\"name\": \"Spring\", \"channel\": \"EMAIL\", " + segment);
        awaitPreview(tenant, first, p -> p.getInt("wouldReceive") == 1);
        launch(tenant, first);
        awaitCampaign(tenant, first, c -> c.getInt("counts.SENT") == 1);

        String second = create(tenant, "{\"name\": \"Summer\", \"channel\": \"EMAIL\", " + segment);
        JsonPath preview = awaitPreview(tenant, second, p -> p.getInt("wouldNotReceive") == 1);
        assertEquals("capped: at most 1 marketing message per 30 days", reasonOf(preview, capped));
        launch(tenant, second);
        JsonPath held = awaitCampaign(tenant, second, c -> c.getInt("counts.SKIPPED") == 1);
        assertEquals(1, held.getInt("reasons.'capped: at most 1 marketing message per 30 days'"));
        assertEquals(1, MailServer.shared().messagesTo(emailOf(tenant, name)).size());

        // Transactional mail is never capped: the same guest's booking confirmation goes.
        Booking booking = new Booking(tenant, hotel, "R" + name, emailOf(tenant, name));
        bookedAndConfirmed(booking, day.plusDays(60), start);
        assertEquals(2, MailServer.shared().messagesTo(emailOf(tenant, name)).size());

        // 31 days on the clock, the period has passed: the next campaign reaches the guest.
        clock.set(start.plus(Duration.ofDays(31)));
        String third = create(tenant, "{\"name\": \"Autumn\", \"channel\": \"EMAIL\", " + segment);
        awaitPreview(tenant, third, p -> p.getInt("wouldReceive") == 1);
        launch(tenant, third);
        awaitCampaign(tenant, third, c -> c.getInt("counts.SENT") == 1);
        assertEquals(3, MailServer.shared().messagesTo(emailOf(tenant, name)).size());
        assertEquals(1, Campaigns.awaitCampaign(tenant, second, c -> true).getInt("counts.SKIPPED"),
                "what the cap held back stays held back");
    }

    @Test
    void consentWithdrawnBetweenSchedulingAndSendingSuppressesTheStepAtSendTime() throws Exception {
        Instant booked = at(day, 8, 0);
        clock.set(booked);
        LocalDate arrival = day.plusDays(10);
        Booking booking = Booking.unique();
        JsonPath planned = bookedAndConfirmed(booking, arrival, booked);
        assertEquals("SCHEDULED", statusIn(planned, "PRE_STAY"));

        ConsentChanged withdrawn = ConsentChanged.newBuilder()
                .setMetadata(Campaigns.metadata(booking.tenant(), "ConsentChanged"))
                .setContactPoint(booking.email()).setChannel(ConsentChannel.EMAIL)
                .setPurpose(ConsentPurpose.PRE_STAY_SERVICE).setStatus(ConsentStatus.WITHDRAWN)
                .setSource(ConsentSource.UNSUBSCRIBE_LINK).setEffectiveAt(booked.plus(Duration.ofHours(1)))
                .setGuestId(null).setHotelCode(null).setEvidence(null)
                .build();
        KafkaTestClients.sendAvro(Topic.CRM_CONSENTS.topicName(),
                booking.tenant() + ":EMAIL:PRE_STAY_SERVICE:" + booking.email(), withdrawn);
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM consent_state WHERE event_id = :id",
                withdrawn.getMetadata().getEventId()) == 1);
        assertEquals("SCHEDULED", statusOf(booking, "PRE_STAY"), "planned before: only the send decides");

        clock.set(at(arrival.minusDays(7), 9, 30));
        JsonPath suppressed = awaitCommunications(booking, stepIs("PRE_STAY", "SKIPPED"));
        assertEquals("suppressed: consent withdrawn (PRE_STAY_SERVICE)",
                suppressed.getString("find { it.step == 'PRE_STAY' }.reason"));
        assertEquals(0, mailsWithId(booking, idOf(suppressed, "PRE_STAY")));

        // The pre-check-in (transactional, no consent needed) still goes at its time.
        clock.set(at(arrival.minusDays(1), 10, 30));
        awaitCommunications(booking, stepIs("PRE_CHECK_IN", "SENT"));
        assertEquals(2, MailServer.shared().messagesTo(booking.email()).size(), "confirmation and pre-check-in");
    }

    @Test
    void aRedeliveredRecordAndAClaimWhoseReplicaDiedBeforeSendingEachLeadToExactlyOneMail() throws Exception {
        Instant booked = at(day, 8, 0);
        clock.set(booked);
        LocalDate arrival = day.plusDays(20);
        Booking booking = Booking.unique();
        // The control arrives 6 days earlier: its pre-check-in is due an hour after the booking's pre-stay.
        Booking control = Booking.unique();
        ReservationChanged first = booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3),
                ReservationChangeType.CREATED, false, booked);
        send(booking, first);
        send(booking, first); // redelivered (the consumer died before committing its offset)
        send(booking, booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3),
                ReservationChangeType.CREATED, false, booked)); // the same version again under a new event id
        send(booking, booking.snapshot(2, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3),
                ReservationChangeType.MODIFIED, false, booked));
        book(control, arrival.minusDays(6), booked);
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM reservation WHERE tenant = :id "
                + "AND pms_sequence = 2", booking.tenant()) == 1); // every record before it consumed
        JsonPath planned = awaitCommunications(booking, stepIs("CONFIRMATION", "SENT"));
        UUID confirmation = idOf(planned, "CONFIRMATION");
        UUID preStay = idOf(planned, "PRE_STAY");
        Instant preStayDue = at(arrival.minusDays(7), 9, 0);
        assertEquals(preStayDue, dueAt(planned, "PRE_STAY"));


        // A replica claims the pre-stay at its due time and dies before its SMTP exchange: its lease (3 h) stands.
        CommunicationDispatcher.Claim claim = QuarkusTransaction.requiringNew().call(() -> dispatcher.claim(
                preStayDue, preStayDue.plus(Duration.ofHours(3)), Set.of()));
        assertTrue(claim.ready().stream().anyMatch(c -> c.communication().id.equals(preStay)), "claimed by it");

        // An hour after: the control's pre-check-in (due then) goes; the leased pre-stay is left alone.
        clock.set(preStayDue.plus(Duration.ofMinutes(65)));
        awaitCommunications(control, stepIs("PRE_CHECK_IN", "SENT"));
        assertEquals(0, mailsWithId(booking, preStay), "under the dead replica's lease");

        // The lease expires: the service claims it again and mails it once.
        clock.set(preStayDue.plus(Duration.ofHours(3)).plus(Duration.ofMinutes(5)));
        JsonPath resent = awaitCommunications(booking, stepIs("PRE_STAY", "SENT"));
        assertEquals(2, resent.getInt("find { it.step == 'PRE_STAY' }.attempts"), "the dead claim counted");
        assertEquals(1, mailsWithId(booking, preStay));

        // Later mails of the booking go, and still one confirmation and one pre-stay mail.
        clock.set(at(arrival.minusDays(1), 10, 5));
        awaitCommunications(booking, stepIs("PRE_CHECK_IN", "SENT"));
        assertEquals(1, mailsWithId(booking, confirmation), "one confirmation for three deliveries of version 1");
        assertEquals(1, mailsWithId(booking, preStay));
        assertEquals(3, MailServer.shared().messagesTo(booking.email()).size());
    }

    @Test
    void deliveryReportsAreDeletedOnceReceivedLongerAgoThanTheirRetentionOnTheServicesClock() {
        Instant start = at(day, 8, 0);
        String old = "clocked-old-" + UUID.randomUUID();
        String recent = "clocked-recent-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            for (Object[] row : List.of(new Object[] {old, start}, new Object[] {recent, start.plus(Duration.ofDays(30))})) {
                entityManager.createNativeQuery("INSERT INTO delivery_report (report_key, received_at, outcome) "
                                + "VALUES (:key, :at, 'NOTHING_NEW')")
                        .setParameter("key", row[0]).setParameter("at", row[1]).executeUpdate();
            }
        });

        // 91 days on (journey.retention.delivery-reports 90d): the service's own pass deletes the old one only.
        clock.set(start.plus(Duration.ofDays(91)));
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM delivery_report WHERE report_key = :id", old) == 0);
        assertEquals(1, count("SELECT count(*) FROM delivery_report WHERE report_key = :id", recent),
                "received 61 days before the clock: kept");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static Instant at(LocalDate date, int hour, int minute) {
        return date.atTime(LocalTime.of(hour, minute)).toInstant(ZoneOffset.UTC);
    }

    private static Instant zurich(LocalDate date, int hour, int minute) {
        return date.atTime(LocalTime.of(hour, minute)).atZone(ZURICH).toInstant();
    }

    /** A 3-night CONFIRMED stay made by the PMS at {@code madeAt}, through pms.reservations. */
    private static void book(Booking booking, LocalDate arrival, Instant madeAt) {
        send(booking, booking.snapshot(1, ReservationStatus.CONFIRMED, arrival, arrival.plusDays(3),
                ReservationChangeType.CREATED, false, madeAt));
    }

    /** {@link #book}, then its communications once its confirmation went. */
    private static JsonPath bookedAndConfirmed(Booking booking, LocalDate arrival, Instant madeAt) {
        book(booking, arrival, madeAt);
        return awaitCommunications(booking, stepIs("CONFIRMATION", "SENT"));
    }

    private static void send(Booking booking, ReservationChanged snapshot) {
        KafkaTestClients.sendAvro(Topic.PMS_RESERVATIONS.topicName(), booking.key(), snapshot);
    }

    private static String statusIn(JsonPath communications, String step) {
        return communications.getString("find { it.step == '" + step + "' }.status");
    }

    private static String statusOf(Booking booking, String step) {
        return statusIn(awaitCommunications(booking, list -> true), step);
    }

    private static Instant dueAt(JsonPath communications, String step) {
        return Instant.parse(communications.getString("find { it.step == '" + step + "' }.dueAt"));
    }

    private static Instant sentAt(JsonPath communications, String step) {
        return Instant.parse(communications.getString("find { it.step == '" + step + "' }.sentAt"));
    }

    /** The mails GreenMail holds for the booking's guest with the communication's Message-ID. */
    private static long mailsWithId(Booking booking, UUID communicationId) throws MessagingException {
        long count = 0;
        for (MimeMessage mail : MailServer.shared().messagesTo(booking.email())) {
            if (messageIdOf(communicationId).equals(mail.getMessageID())) {
                count++;
            }
        }
        return count;
    }

    private static MimeMessage mailWithId(Booking booking, UUID communicationId) throws MessagingException {
        for (MimeMessage mail : MailServer.shared().messagesTo(booking.email())) {
            if (messageIdOf(communicationId).equals(mail.getMessageID())) {
                return mail;
            }
        }
        throw new AssertionError("no mail " + communicationId);
    }

    private Instant nextAttemptAt(UUID communicationId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Object value = entityManager.createNativeQuery("SELECT next_attempt_at FROM communication WHERE id = :id")
                    .setParameter("id", communicationId).getSingleResult();
            return switch (value) {
                case null -> null;
                case Instant instant -> instant;
                case java.time.OffsetDateTime offset -> offset.toInstant();
                case java.sql.Timestamp timestamp -> timestamp.toInstant();
                default -> throw new AssertionError("next_attempt_at read as " + value.getClass());
            };
        });
    }

    private long count(String sql, Object id) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(sql)
                .setParameter("id", id).getSingleResult()).longValue());
    }
}

package org.guestcrm.journey.mapping;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.guestcrm.events.CommunicationChannel;
import org.guestcrm.events.CommunicationEvent;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationGuest;
import org.guestcrm.journey.api.CommunicationView;
import org.guestcrm.journey.domain.EmailContext;
import org.guestcrm.journey.domain.ExistingCommunication;
import org.guestcrm.journey.domain.ReservationState;
import org.guestcrm.journey.domain.ReservationTerms;
import org.guestcrm.journey.domain.ReservationStatus;
import org.guestcrm.journey.persistence.CommunicationEntity;
import org.guestcrm.journey.persistence.ReservationEntity;
import org.guestcrm.platform.domain.SnapshotVersion;

/**
 * The one place where the three shapes meet: Avro records (Kafka), entities (database) and DTOs (HTTP), with the
 * domain types in between.
 */
public final class JourneyMapper {

    public static final String SERVICE_NAME = "journey-service";

    private JourneyMapper() {
    }

    // ---- Avro -> domain / entity ---------------------------------------------------------------------------------

    public static ReservationStatus statusOf(org.guestcrm.events.ReservationStatus status) {
        if (status == null) {
            return ReservationStatus.UNKNOWN;
        }
        try {
            return ReservationStatus.valueOf(status.name());
        } catch (IllegalArgumentException unknown) {
            return ReservationStatus.UNKNOWN;
        }
    }

    public static SnapshotVersion versionOf(ReservationChanged event) {
        return new SnapshotVersion(event.getPmsSequence(), event.getPmsModifiedAt(),
                event.getMetadata().getOccurredAt());
    }

    public static SnapshotVersion versionOf(ReservationEntity reservation) {
        return new SnapshotVersion(reservation.pmsSequence, reservation.pmsModifiedAt, reservation.eventOccurredAt);
    }

    /** The guest the journey writes to: the primary guest, else the first one. */
    static Optional<ReservationGuest> leadGuestOf(ReservationChanged event) {
        List<ReservationGuest> guests = event.getGuests();
        if (guests == null || guests.isEmpty()) {
            return Optional.empty();
        }
        return guests.stream().filter(ReservationGuest::getPrimary).findFirst().or(() -> Optional.of(guests.getFirst()));
    }

    /** Copies the snapshot into the entity (a new or the held reservation), phones read without a country. */
    public static void copySnapshot(ReservationChanged event, ReservationEntity target, Instant now) {
        copySnapshot(event, target, now, null);
    }

    /**
     * Copies the snapshot into the entity (a new or the held reservation); the guest's phone is kept in E.164 when
     * valid, a national number read with {@code hotelCountry} (ISO 3166-1 alpha-2, may be null).
     */
    public static void copySnapshot(ReservationChanged event, ReservationEntity target, Instant now,
                                    String hotelCountry) {
        EventMetadata metadata = event.getMetadata();
        target.tenant = metadata.getTenantId();
        target.hotelCode = event.getHotelCode();
        target.hotelName = event.getHotelName();
        target.pmsSystem = event.getPmsSystem();
        target.pmsReservationId = event.getPmsReservationId();
        target.status = statusOf(event.getStatus());
        if (target.noShowCutoffAt != null && (target.status != org.guestcrm.journey.domain.ReservationStatus.CONFIRMED
                || !event.getArrival().equals(target.arrival))) {
            // Checked in after all (a late arrival), cancelled, or moved: the cut-off's no-show no longer holds.
            target.noShowCutoffAt = null;
            target.noShowCutoff = null;
        }
        target.arrival = event.getArrival();
        target.departure = event.getDeparture();
        // An erased guest's data is not taken in again from a later snapshot (the PMS may still hold it).
        Optional<ReservationGuest> guest = target.guestErased ? Optional.empty() : leadGuestOf(event);
        target.guestName = guest.map(JourneyMapper::displayName).orElse(null);
        target.guestEmail = guest.map(ReservationGuest::getEmail).map(String::strip).filter(s -> !s.isEmpty())
                .orElse(null);
        target.guestLanguage = guest.map(ReservationGuest::getLanguage).orElse(null);
        target.guestPhone = guest.map(ReservationGuest::getPhone)
                .flatMap(phone -> org.guestcrm.platform.domain.ContactPointNormaliser.e164(phone, hotelCountry))
                .orElse(null);
        target.guestEmailRef = org.guestcrm.platform.domain.ContactPointNormaliser.email(target.guestEmail)
                .map(email -> org.guestcrm.platform.domain.ContactPointRef.of(metadata.getTenantId(), "EMAIL", email))
                .orElse(null);
        target.guestPhoneRef = target.guestPhone == null ? null
                : org.guestcrm.platform.domain.ContactPointRef.of(metadata.getTenantId(), "PHONE", target.guestPhone);
        target.guestProfileId = guest.map(ReservationGuest::getPmsProfileId).orElse(null);
        target.pmsSequence = event.getPmsSequence();
        target.pmsModifiedAt = event.getPmsModifiedAt();
        target.eventOccurredAt = metadata.getOccurredAt();
        target.lastEventId = metadata.getEventId();
        target.updatedAt = now;
        if (target.createdAt == null) {
            target.createdAt = now;
        }
        if (event.getCreatedAt() != null) {
            target.bookedAt = event.getCreatedAt();
        } else if (target.bookedAt == null) {
            // The first PMS modification time seen is a lower bound of the booking's age.
            target.bookedAt = event.getPmsModifiedAt();
        }
        target.uncertain = false;
        target.roomTypeCode = event.getRoomTypeCode();
        target.ratePlanCode = event.getRatePlanCode();
        target.adults = event.getAdults();
        target.children = event.getChildren();
    }

    /** The booking terms a guest cares about, as held. */
    public static ReservationTerms termsOf(ReservationEntity reservation) {
        return new ReservationTerms(reservation.status, reservation.arrival, reservation.departure,
                reservation.roomTypeCode, reservation.ratePlanCode, reservation.adults, reservation.children);
    }

    /**
     * The reservation version of a snapshot, for "one notice per version": the PMS sequence, else the PMS modification
     * time, else the event time (the snapshot order of {@link #versionOf(ReservationChanged)}).
     */
    public static String noticeVersionOf(ReservationChanged event) {
        if (event.getPmsSequence() != null) {
            return "seq:" + event.getPmsSequence();
        }
        if (event.getPmsModifiedAt() != null) {
            return "modified:" + event.getPmsModifiedAt();
        }
        return "event:" + event.getMetadata().getOccurredAt();
    }

    /** When the change was made: the PMS modification time, else the event time. */
    public static Instant changedAtOf(ReservationChanged event) {
        return event.getPmsModifiedAt() != null ? event.getPmsModifiedAt() : event.getMetadata().getOccurredAt();
    }

    /**
     * Whether the change comes from a history import or replay: {@code metadata.history}, change type IMPORTED, or the
     * pms-connector's {@code import:} correlation prefix. Such a change is state, never a trigger for guest mails.
     */
    public static boolean isHistory(ReservationChanged event) {
        EventMetadata metadata = event.getMetadata();
        return metadata.getHistory()
                || event.getChangeType() == org.guestcrm.events.ReservationChangeType.IMPORTED
                || (metadata.getCorrelationId() != null && metadata.getCorrelationId().startsWith(IMPORT_CORRELATION_PREFIX));
    }

    /** The pms-connector marks the records of a history import with correlation id {@code import:<jobId>}. */
    public static final String IMPORT_CORRELATION_PREFIX = "import:";

    public static boolean isMissingFromExport(ReservationChanged event) {
        return event.getChangeType() == org.guestcrm.events.ReservationChangeType.MISSING_FROM_EXPORT;
    }

    private static String displayName(ReservationGuest guest) {
        String name = Stream.of(guest.getFirstName(), guest.getLastName())
                .filter(part -> part != null && !part.isBlank())
                .map(String::strip)
                .collect(Collectors.joining(" "));
        return name.isEmpty() ? null : name;
    }

    // ---- entity -> domain ----------------------------------------------------------------------------------------

    public static ReservationState stateOf(ReservationEntity reservation, ZoneId hotelZone) {
        return stateOf(reservation, hotelZone, org.guestcrm.journey.domain.QuietHours.NONE);
    }

    public static ReservationState stateOf(ReservationEntity reservation, ZoneId hotelZone,
                                           org.guestcrm.journey.domain.QuietHours quietHours) {
        boolean noShowByCutoff = reservation.noShowCutoffAt != null
                && reservation.status == org.guestcrm.journey.domain.ReservationStatus.CONFIRMED;
        return new ReservationState(noShowByCutoff ? org.guestcrm.journey.domain.ReservationStatus.NO_SHOW
                : reservation.status, reservation.arrival, reservation.departure, hotelZone,
                reservation.bookedAt, reservation.uncertain, quietHours,
                noShowByCutoff ? (reservation.noShowCutoff == null ? "cut-off" : reservation.noShowCutoff) : null);
    }

    public static ExistingCommunication existingOf(CommunicationEntity communication) {
        return new ExistingCommunication(communication.id, communication.step, communication.channel,
                communication.status, communication.dueAt, communication.reason,
                communication.noticeVersion == null || communication.noticeVersion.isEmpty() ? null
                        : communication.noticeVersion);
    }

    public static EmailContext emailContextOf(ReservationEntity reservation) {
        String hotelName = reservation.hotelName == null || reservation.hotelName.isBlank()
                ? reservation.hotelCode : reservation.hotelName;
        return new EmailContext(reservation.pmsReservationId, hotelName, reservation.arrival, reservation.departure,
                reservation.guestName, reservation.guestLanguage, reservation.roomTypeCode, reservation.ratePlanCode,
                reservation.adults, reservation.children);
    }

    // ---- entity -> Avro ------------------------------------------------------------------------------------------

    /** Key of crm.communications: the guest id when known, else the reservation key. */
    public static String communicationKeyOf(CommunicationEntity communication) {
        if (communication.guestId != null) {
            // A campaign message: keyed by the guest, as crm.communications is meant to be.
            return communication.guestId;
        }
        // ReservationChanged carries no guest id yet, so the reservation key is used (see README: known gaps).
        return communication.tenant + ":" + communication.hotelCode + ":" + communication.pmsReservationId;
    }

    public static CommunicationEvent communicationEventOf(CommunicationEntity communication, Instant now) {
        EventMetadata metadata = EventMetadata.newBuilder()
                .setEventId(UUID.randomUUID())
                .setEventType(CommunicationEvent.class.getSimpleName())
                .setOccurredAt(now)
                .setSource(SERVICE_NAME)
                .setTenantId(communication.tenant)
                .setCorrelationId(communication.correlationId)
                .setCausationId(communication.causationId)
                .setSchemaVersion(1)
                .build();
        return CommunicationEvent.newBuilder()
                .setMetadata(metadata)
                .setCommunicationId(communication.id)
                .setGuestId(communication.guestId)
                .setHotelCode(communication.hotelCode)
                .setPmsReservationId(communication.pmsReservationId)
                // A campaign message's step names its campaign (CommunicationEvent.step: "CAMPAIGN:<id>").
                .setStep(communication.campaignId != null ? "CAMPAIGN:" + communication.campaignId
                        : communication.step.name())
                .setChannel(CommunicationChannel.valueOf(communication.channel.name()))
                .setStatus(org.guestcrm.events.CommunicationStatus.valueOf(communication.status.name()))
                .setScheduledFor(communication.dueAt)
                .setReason(communication.reason)
                .setTenantId(communication.tenant)
                .setContactPoint(switch (communication.status) {
                    case SENT, FAILED, BOUNCED, COMPLAINED -> communication.contactPoint;
                    default -> null;
                })
                .setBounceType(communication.status == org.guestcrm.journey.domain.CommunicationStatus.BOUNCED
                        ? communication.bounceType : null)
                .setSegments(communication.status == org.guestcrm.journey.domain.CommunicationStatus.SENT
                        && communication.channel == org.guestcrm.journey.domain.Channel.SMS
                        ? communication.smsSegments : null)
                .build();
    }

    /** A survey answer's revision for crm.survey-responses (key: the communication id). */
    public static org.guestcrm.events.SurveyAnswered surveyAnsweredOf(
            org.guestcrm.journey.persistence.SurveyResponseEntity response, String correlationId, Instant now) {
        EventMetadata metadata = EventMetadata.newBuilder()
                .setEventId(UUID.randomUUID())
                .setEventType(org.guestcrm.events.SurveyAnswered.class.getSimpleName())
                .setOccurredAt(now)
                .setSource(SERVICE_NAME)
                .setTenantId(response.tenant)
                .setCorrelationId(correlationId)
                .setCausationId(null)
                .setSchemaVersion(1)
                .build();
        return org.guestcrm.events.SurveyAnswered.newBuilder()
                .setMetadata(metadata)
                .setResponseId(response.id)
                .setRevision(response.revision)
                .setCommunicationId(response.communicationId)
                .setTenantId(response.tenant)
                .setHotelCode(response.hotelCode)
                .setPmsReservationId(response.pmsReservationId)
                .setGuestId(response.guestId)
                .setScore(response.score)
                .setRatings(new java.util.LinkedHashMap<>(response.ratings))
                .setComment(response.comment)
                .setLanguage(response.language)
                .setAnsweredAt(response.answeredAt)
                .build();
    }

    // ---- entity -> DTO -------------------------------------------------------------------------------------------

    public static CommunicationView viewOf(CommunicationEntity communication) {
        return new CommunicationView(communication.id, communication.step.name(), communication.channel.name(),
                communication.status.name(), communication.dueAt, communication.sentAt, communication.cancelledAt,
                communication.reason, communication.attempts, communication.updatedAt);
    }

    public static List<CommunicationView> viewsOf(List<CommunicationEntity> communications) {
        return communications.stream()
                .sorted(Comparator.comparing((CommunicationEntity c) -> c.dueAt).thenComparing(c -> c.step))
                .map(JourneyMapper::viewOf)
                .toList();
    }
}

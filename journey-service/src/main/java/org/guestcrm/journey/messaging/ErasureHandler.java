package org.guestcrm.journey.messaging;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.events.ErasureRequested;
import org.guestcrm.events.SourceProfileRef;
import org.guestcrm.journey.domain.CommunicationStatus;
import org.guestcrm.journey.domain.Reasons;
import org.guestcrm.journey.persistence.CommunicationEntity;
import org.guestcrm.journey.persistence.CommunicationRepository;
import org.guestcrm.journey.persistence.GuestDirectory;
import org.guestcrm.journey.persistence.ReservationEntity;
import org.guestcrm.journey.persistence.ReservationKey;
import org.guestcrm.journey.persistence.ReservationRepository;
import org.guestcrm.platform.domain.ContactPointNormaliser;
import org.guestcrm.platform.domain.ContactPointRef;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Forgets a person on a confirmed erasure (crm.erasures, {@code ErasureRequested}), in the intake's transaction:
 * <ul>
 * <li>who: the guest id (its directory row, and the reference of its e-mail there), the contact-point references
 * ({@code cp1_...}: matched against the references of the e-mail and phone each reservation and directory row holds,
 * never against addresses sent along) and the PMS profiles (the lead guest's profile of a reservation);</li>
 * <li>the reservations found keep their booking but lose the guest's name, e-mail, phone, language and references, and
 * are marked erased, so a later PMS snapshot does not bring them back;</li>
 * <li>their pending communications and the guest's pending campaign messages are CANCELLED "guest erased" (with their
 * CommunicationEvent); every communication of theirs forgets the address it went to;</li>
 * <li>the guest's directory rows are deleted.</li>
 * </ul>
 * Idempotent: a redelivered request finds nothing left to forget. Logs carry ids and counts only.
 */
@ApplicationScoped
public class ErasureHandler implements IntakeHandler<ErasureRequested> {

    static final String CONSUMER = "journey-erasures";
    private static final Logger LOG = Logger.getLogger(ErasureHandler.class);

    @Inject
    ReservationRepository reservations;
    @Inject
    CommunicationRepository communications;
    @Inject
    GuestDirectory directory;
    @Inject
    CommunicationLedger ledger;

    @Inject
    Clock clock;

    @Override
    public String consumer() {
        return CONSUMER;
    }

    @Override
    public Class<ErasureRequested> recordType() {
        return ErasureRequested.class;
    }

    @Override
    public UUID eventIdOf(ErasureRequested event) {
        if (event.getMetadata() == null || event.getMetadata().getEventId() == null) {
            throw new PoisonRecordException("ErasureRequested without metadata.eventId");
        }
        String id = " in ErasureRequested " + event.getMetadata().getEventId();
        if (event.getMetadata().getTenantId() == null || event.getMetadata().getTenantId().isBlank()) {
            throw new PoisonRecordException("tenantId is required" + id);
        }
        if (event.getErasureId() == null) {
            throw new PoisonRecordException("erasureId is required" + id);
        }
        boolean guest = event.getGuestId() != null && !event.getGuestId().isBlank();
        if (!guest && event.getContactPointRefs().isEmpty() && event.getSourceProfiles().isEmpty()) {
            throw new PoisonRecordException("guestId, contactPointRefs or sourceProfiles is required (the request names "
                    + "nobody)" + id);
        }
        for (int i = 0; i < event.getContactPointRefs().size(); i++) {
            if (!ContactPointRef.looksLikeRef(event.getContactPointRefs().get(i))) {
                throw new PoisonRecordException("contactPointRefs[" + i + "] is not a ContactPointRef (cp1_...)" + id);
            }
        }
        for (int i = 0; i < event.getSourceProfiles().size(); i++) {
            SourceProfileRef profile = event.getSourceProfiles().get(i);
            if (profile.getPmsSystem() == null || profile.getPmsSystem().isBlank()
                    || profile.getPmsProfileId() == null || profile.getPmsProfileId().isBlank()) {
                throw new PoisonRecordException("sourceProfiles[" + i + "] needs pmsSystem and pmsProfileId" + id);
            }
        }
        return event.getMetadata().getEventId();
    }

    @Override
    public void apply(List<IntakeRecord<ErasureRequested>> records) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        for (IntakeRecord<ErasureRequested> record : records) {
            ErasureRequested erasure = record.value();
            int[] counts = forget(erasure, now);
            LOG.infof("Erasure %s (event %s): %d reservation(s) forgotten, %d pending communication(s) cancelled, %d "
                            + "communication address(es) forgotten, %d directory row(s) deleted.",
                    erasure.getErasureId(), record.eventId(), counts[0], counts[1], counts[2], counts[3]);
        }
    }

    private static java.util.Optional<String> emailRefOf(String tenant, String email) {
        return ContactPointNormaliser.email(email).map(normalised -> ContactPointRef.of(tenant, "EMAIL", normalised));
    }

    /** Returns {reservations, cancelled, addresses forgotten, directory rows}. */
    private int[] forget(ErasureRequested erasure, Instant now) {
        String tenant = erasure.getMetadata().getTenantId();
        Set<String> refs = new LinkedHashSet<>(erasure.getContactPointRefs());
        Set<String> guestIds = new LinkedHashSet<>();
        if (erasure.getGuestId() != null && !erasure.getGuestId().isBlank()) {
            guestIds.add(erasure.getGuestId());
        }
        // The directory rows of the person: by guest id (its e-mail's reference joins the references) or by reference.
        for (GuestDirectory.Guest guest : directory.byIds(guestIds).values()) {
            if (tenant.equals(guest.tenant())) {
                emailRefOf(tenant, guest.email()).ifPresent(refs::add);
            }
        }
        for (Map.Entry<String, String> row : directory.emailsOf(tenant).entrySet()) {
            if (emailRefOf(tenant, row.getValue()).filter(refs::contains).isPresent()) {
                guestIds.add(row.getKey());
            }
        }
        List<String[]> profiles = erasure.getSourceProfiles().stream()
                .map(p -> new String[] {p.getPmsSystem(), p.getPmsProfileId()}).toList();
        List<ReservationEntity> found = reservations.lockGuestOf(tenant, refs, profiles);
        List<ReservationKey> keys = new ArrayList<>();
        for (ReservationEntity reservation : found) {
            keys.add(ReservationKey.of(reservation));
            reservation.guestName = null;
            reservation.guestEmail = null;
            reservation.guestPhone = null;
            reservation.guestLanguage = null;
            reservation.guestEmailRef = null;
            reservation.guestPhoneRef = null;
            reservation.guestProfileId = null;
            reservation.guestErased = true;
            reservation.updatedAt = now;
        }
        List<CommunicationEntity> affected = new ArrayList<>();
        communications.lockAllFor(keys).values().forEach(affected::addAll);
        affected.addAll(communications.lockCampaignMessagesOf(tenant, guestIds));
        int cancelled = 0;
        int forgotten = 0;
        for (CommunicationEntity communication : affected) {
            if (communication.contactPoint != null || communication.lastError != null) {
                forgotten++;
            }
            communication.contactPoint = null;
            communication.lastError = null;
            if (communication.status.isPending() || communication.status == CommunicationStatus.HELD) {
                communication.leaseOwner = null;
                communication.leaseExpiresAt = null;
                ledger.changeStatus(communication, CommunicationStatus.CANCELLED, Reasons.GUEST_ERASED, now);
                cancelled++;
            }
        }
        // Their survey answers lose the comment (the guest's own words); score and ratings stay as anonymous figures.
        List<java.util.UUID> surveys = affected.stream()
                .filter(c -> c.step == org.guestcrm.journey.domain.JourneyStep.POST_STAY_SURVEY).map(c -> c.id).toList();
        if (!surveys.isEmpty()) {
            communications.getEntityManager().createNativeQuery("update survey_response set comment = null "
                    + "where communication_id in (:ids) and comment is not null")
                    .setParameter("ids", surveys).executeUpdate();
        }
        int deleted = directory.deleteAllOf(tenant, guestIds);
        return new int[] {found.size(), cancelled, forgotten, deleted};
    }
}

package org.guestcrm.journey.messaging;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.guestcrm.events.ContactPoint;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.events.SourceProfileRef;
import org.guestcrm.journey.persistence.GuestDirectory;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Keeps the local guest directory as crm.guests says (compacted: the newest record per guest is the guest): per batch,
 * the newest version of each guest is upserted in one JDBC batch, and only over an older version, so a redelivered or
 * late record never undoes a newer one. A guest whose last record in a batch is a tombstone (erased or merged away) is
 * deleted and its pending campaign messages are CANCELLED ({@link #forget}); deleting is idempotent, so a redelivered
 * tombstone changes nothing.
 */
@ApplicationScoped
public class GuestDirectoryHandler implements IntakeHandler<GuestUpdated> {

    static final String CONSUMER = "journey-guests";
    private static final Logger LOG = Logger.getLogger(GuestDirectoryHandler.class);
    private static final int MAX_HOTEL_CODES = 500;

    @Inject
    GuestDirectory directory;
    @Inject
    org.guestcrm.journey.campaign.CampaignPlanner campaigns;
    @Inject
    org.guestcrm.journey.persistence.GuestSourceProfiles profiles;

    @Inject
    Clock clock;

    @Override
    public void forget(List<String> guestIds) {
        int[] counts = campaigns.forgetGuests(guestIds);
        profiles.forget(guestIds);
        LOG.infof("crm.guests: %d tombstone(s): %d guest(s) removed from the directory, %d pending campaign "
                + "message(s) cancelled.", guestIds.size(), counts[0], counts[1]);
    }

    @Override
    public String consumer() {
        return CONSUMER;
    }

    @Override
    public Class<GuestUpdated> recordType() {
        return GuestUpdated.class;
    }

    @Override
    public UUID eventIdOf(GuestUpdated event) {
        if (event.getMetadata() == null || event.getMetadata().getEventId() == null) {
            throw new PoisonRecordException("GuestUpdated without metadata.eventId");
        }
        String id = " in GuestUpdated " + event.getMetadata().getEventId();
        if (event.getMetadata().getTenantId() == null || event.getMetadata().getTenantId().isBlank()) {
            throw new PoisonRecordException("tenantId is required" + id);
        }
        if (event.getGuestId() == null || event.getGuestId().isBlank() || event.getGuestId().length() > 100) {
            throw new PoisonRecordException("guestId is required (at most 100 characters)" + id);
        }
        String email = marketingEmailOf(event);
        if (email != null && email.length() > 320) {
            throw new PoisonRecordException("emails[].value is longer than 320 characters" + id);
        }
        return event.getMetadata().getEventId();
    }

    @Override
    public void apply(List<IntakeRecord<GuestUpdated>> records) {
        // The newest version of each guest in the batch is what the guest is now.
        Map<String, GuestUpdated> newest = new LinkedHashMap<>();
        for (IntakeRecord<GuestUpdated> record : records) {
            GuestUpdated event = record.value();
            newest.merge(event.getGuestId(), event, (held, next) -> next.getVersion() >= held.getVersion() ? next : held);
        }
        List<GuestDirectory.Guest> guests = new ArrayList<>(newest.size());
        for (GuestUpdated event : newest.values()) {
            guests.add(guestOf(event));
        }
        int changed = directory.upsertAll(guests, clock.instant());
        // Which guest each PMS profile belongs to (one statement): a reservation's messages are found by its lead
        // guest's profile.
        List<org.guestcrm.journey.persistence.GuestSourceProfiles.Owned> owned = new ArrayList<>();
        for (GuestUpdated event : newest.values()) {
            for (SourceProfileRef ref : event.getSourceProfiles()) {
                if (ref.getPmsSystem() != null && !ref.getPmsSystem().isBlank() && ref.getPmsSystem().length() <= 200
                        && ref.getPmsProfileId() != null && !ref.getPmsProfileId().isBlank()
                        && ref.getPmsProfileId().length() <= 200) {
                    owned.add(new org.guestcrm.journey.persistence.GuestSourceProfiles.Owned(
                            event.getMetadata().getTenantId(), event.getGuestId(),
                            new org.guestcrm.journey.persistence.GuestSourceProfiles.Profile(ref.getPmsSystem(),
                                    ref.getPmsProfileId())));
                }
            }
        }
        profiles.assignAll(owned, clock.instant());
        LOG.debugf("%d GuestUpdated: %d guest(s) of the directory changed.", records.size(), changed);
    }

    static GuestDirectory.Guest guestOf(GuestUpdated event) {
        Set<String> hotels = new LinkedHashSet<>();
        for (SourceProfileRef source : event.getSourceProfiles()) {
            addHotel(hotels, source.getHotelCode());
        }
        for (ContactPoint email : event.getEmails()) {
            for (SourceProfileRef source : email.getSources()) {
                addHotel(hotels, source.getHotelCode());
            }
        }
        // Where the last stay was (profile-service fills it since 2026-12): the occasions' hotel, and a hotel stayed at.
        String lastStayHotel = event.getLastStayHotelCode() == null || event.getLastStayHotelCode().isBlank()
                || event.getLastStayHotelCode().length() > 100 ? null : event.getLastStayHotelCode();
        if (lastStayHotel != null && hotels.size() < MAX_HOTEL_CODES) {
            hotels.add(lastStayHotel);
        }
        String email = marketingEmailOf(event);
        return new GuestDirectory.Guest(event.getGuestId(), event.getMetadata().getTenantId(),
                email == null ? null : ConsentChangeHandler.normalised(email), bounded(event.getLanguage(), 35),
                List.copyOf(hotels).subList(0, Math.min(hotels.size(), MAX_HOTEL_CODES)), event.getStayCount(),
                event.getLastStayDeparture(),
                event.getTotalSpend() == null ? null : event.getTotalSpend().getAmount(),
                event.getTotalSpend() == null ? null : bounded(event.getTotalSpend().getCurrency(), 3),
                event.getVersion(), event.getMetadata().getEventId(), event.getBirthDate(), lastStayHotel);
    }

    /** The primary e-mail, else the first one; null without any. */
    static String marketingEmailOf(GuestUpdated event) {
        String first = null;
        for (ContactPoint email : event.getEmails()) {
            if (email.getValue() == null || email.getValue().isBlank()) {
                continue;
            }
            if (email.getPrimary()) {
                return email.getValue();
            }
            if (first == null) {
                first = email.getValue();
            }
        }
        return first;
    }

    private static void addHotel(Set<String> hotels, String hotelCode) {
        if (hotelCode != null && !hotelCode.isBlank() && hotelCode.length() <= 100) {
            hotels.add(hotelCode);
        }
    }

    private static String bounded(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}

package org.guestcrm.connector.messaging;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.guestcrm.connector.domain.CanonicalLimits;
import org.guestcrm.connector.domain.ContactWrite;
import org.guestcrm.connector.persistence.FeedEntity;
import org.guestcrm.connector.persistence.WriteBackJobs;
import org.guestcrm.connector.vendor.PmsWriteClient;
import org.guestcrm.events.ContactDetailsUpdated;
import org.guestcrm.events.EmailAddress;
import org.guestcrm.events.PhoneNumber;
import org.guestcrm.events.PmsMarketingFlags;
import org.guestcrm.events.PostalAddress;
import org.guestcrm.platform.intake.IntakeHandler;
import org.guestcrm.platform.intake.IntakeRecord;
import org.guestcrm.platform.intake.PoisonRecordException;
import org.jboss.logging.Logger;

/**
 * crm.contact-updates (ContactDetailsUpdated, key tenant:pmsSystem:pmsProfileId) through service-platform's BatchIntake:
 * each event becomes one durable write-back job for the feed it names ({@code pmsSystem} = the feed id), in the
 * transaction that records the event as processed, so a redelivered or duplicate event makes no second job. The job
 * holds contact data only (names, language, e-mails, phones, address, marketing flags). A feed whose PMS takes no
 * write-back (canonical JSON push, OTA/AlpineBits polling) gets the job FAILED at once with that reason, visible
 * per feed. An event naming no feed of its tenant, or carrying nothing to write or values beyond the canonical limits,
 * is a dead letter with the reason (field names, never values).
 */
@ApplicationScoped
public class ContactUpdateHandler implements IntakeHandler<ContactDetailsUpdated> {

    static final String CONSUMER = "connector-contact-updates";
    private static final Logger LOG = Logger.getLogger(ContactUpdateHandler.class);

    @Inject
    WriteBackJobs jobs;

    @Override
    public String consumer() {
        return CONSUMER;
    }

    @Override
    public Class<ContactDetailsUpdated> recordType() {
        return ContactDetailsUpdated.class;
    }

    @Override
    public UUID eventIdOf(ContactDetailsUpdated value) {
        if (value.getMetadata() == null || value.getMetadata().getEventId() == null) {
            throw new PoisonRecordException("ContactDetailsUpdated without metadata.eventId");
        }
        UUID eventId = value.getMetadata().getEventId();
        if (blank(value.getMetadata().getTenantId())) {
            throw new PoisonRecordException("ContactDetailsUpdated " + eventId + " lacks metadata.tenantId");
        }
        if (blank(value.getPmsSystem()) || value.getPmsSystem().length() > 64) {
            throw new PoisonRecordException("ContactDetailsUpdated " + eventId + ": pmsSystem must name a feed");
        }
        if (blank(value.getPmsProfileId()) || value.getPmsProfileId().length() > CanonicalLimits.PMS_PROFILE_ID) {
            throw new PoisonRecordException("ContactDetailsUpdated " + eventId + ": pmsProfileId is required (at most "
                    + CanonicalLimits.PMS_PROFILE_ID + " characters)");
        }
        ContactWrite write = toWrite(value, eventId);
        if (write.writesNothing()) {
            throw new PoisonRecordException("ContactDetailsUpdated " + eventId + " carries no contact data to write");
        }
        return eventId;
    }

    @Override
    public void apply(List<IntakeRecord<ContactDetailsUpdated>> records) {
        Map<String, FeedEntity> feeds = new HashMap<>();
        List<WriteBackJobs.NewJob> newJobs = new ArrayList<>();
        for (IntakeRecord<ContactDetailsUpdated> record : records) {
            ContactDetailsUpdated event = record.value();
            String tenant = event.getMetadata().getTenantId();
            FeedEntity feed = feeds.computeIfAbsent(event.getPmsSystem(), id -> FeedEntity.findById(id));
            if (feed == null || feed.deletedAt != null || !feed.tenantId.equals(tenant)) {
                throw new PoisonRecordException("ContactDetailsUpdated " + record.eventId() + " names feed "
                        + event.getPmsSystem() + ", which is no feed of tenant " + tenant);
            }
            String failure = PmsWriteClient.writesTo(feed.kind) ? null
                    : "a " + feed.kind + " feed takes no write-back (Mews, apaleo, OTA push and JSON polling feeds do)";
            newJobs.add(new WriteBackJobs.NewJob(record.eventId(), feed.feedId, tenant, event.getPmsProfileId(),
                    event.getReason() == null ? "UNKNOWN" : event.getReason().name(), toWrite(event, record.eventId()),
                    event.getMetadata().getOccurredAt(), failure));
            if (failure != null) {
                LOG.infof("Feed %s: write-back %s of profile %s recorded FAILED: %s", feed.feedId, record.eventId(),
                        event.getPmsProfileId(), failure);
            }
        }
        int inserted = jobs.enqueue(newJobs);
        LOG.debugf("%d contact update(s) recorded as %d write-back job(s).", records.size(), inserted);
    }

    /** The event's contact data, checked against the canonical limits (PoisonRecordException naming the field). */
    static ContactWrite toWrite(ContactDetailsUpdated e, UUID eventId) {
        String where = "ContactDetailsUpdated " + eventId + ": ";
        String firstName = bounded(e.getFirstName(), CanonicalLimits.FIRST_NAME, where + "firstName");
        String lastName = bounded(e.getLastName(), CanonicalLimits.LAST_NAME, where + "lastName");
        String language = bounded(e.getLanguage(), CanonicalLimits.LANGUAGE, where + "language");
        List<String> emails = null;
        if (e.getEmails() != null) {
            if (e.getEmails().size() > CanonicalLimits.CONTACTS_PER_GUEST) {
                throw new PoisonRecordException(where + "emails holds more than " + CanonicalLimits.CONTACTS_PER_GUEST);
            }
            emails = new ArrayList<>();
            List<EmailAddress> sorted = new ArrayList<>(e.getEmails());
            sorted.sort(Comparator.comparing(a -> !a.getPrimary()));
            for (int i = 0; i < sorted.size(); i++) {
                String address = bounded(sorted.get(i).getAddress(), CanonicalLimits.EMAIL, where + "emails[" + i + "]");
                if (address == null || !address.contains("@")) {
                    throw new PoisonRecordException(where + "emails[" + i + "] is not an e-mail address");
                }
                emails.add(address);
            }
        }
        List<String> phones = null;
        if (e.getPhones() != null) {
            if (e.getPhones().size() > CanonicalLimits.CONTACTS_PER_GUEST) {
                throw new PoisonRecordException(where + "phones holds more than " + CanonicalLimits.CONTACTS_PER_GUEST);
            }
            phones = new ArrayList<>();
            List<PhoneNumber> sorted = new ArrayList<>(e.getPhones());
            sorted.sort(Comparator.comparing(p -> !p.getPrimary()));
            for (int i = 0; i < sorted.size(); i++) {
                String number = bounded(sorted.get(i).getNumber(), CanonicalLimits.PHONE, where + "phones[" + i + "]");
                if (number == null) {
                    throw new PoisonRecordException(where + "phones[" + i + "] is empty");
                }
                phones.add(number);
            }
        }
        ContactWrite.Address address = null;
        PostalAddress a = e.getAddress();
        if (a != null) {
            if (a.getLines().size() > CanonicalLimits.ADDRESS_LINES) {
                throw new PoisonRecordException(where + "address.lines holds more than " + CanonicalLimits.ADDRESS_LINES);
            }
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < a.getLines().size(); i++) {
                String line = bounded(a.getLines().get(i), CanonicalLimits.ADDRESS_LINE, where + "address.lines[" + i + "]");
                if (line != null) {
                    lines.add(line);
                }
            }
            address = new ContactWrite.Address(lines, bounded(a.getCity(), CanonicalLimits.CITY, where + "address.city"),
                    bounded(a.getPostalCode(), CanonicalLimits.POSTAL_CODE, where + "address.postalCode"),
                    bounded(a.getCountryCode(), CanonicalLimits.COUNTRY_CODE, where + "address.countryCode"));
        }
        PmsMarketingFlags f = e.getMarketingFlags();
        ContactWrite.MarketingFlags flags = f == null ? null : new ContactWrite.MarketingFlags(f.getEmailOptIn(),
                f.getSmsOptIn(), f.getPostOptIn(), f.getPhoneOptIn(), f.getDoNotContact());
        return new ContactWrite(firstName, lastName, language, emails, phones, address, flags);
    }

    private static String bounded(String value, int max, String field) {
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        if (trimmed.length() > max) {
            throw new PoisonRecordException(field + " is longer than " + max + " characters");
        }
        return trimmed.isEmpty() ? null : trimmed;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}

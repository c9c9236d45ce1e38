package org.guestcrm.optout.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.guestcrm.events.ContactDetailsUpdated;
import org.guestcrm.events.ContactUpdateReason;
import org.guestcrm.events.EmailAddress;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.PhoneNumber;
import org.guestcrm.events.PmsMarketingFlags;
import org.guestcrm.events.PostalAddress;
import org.guestcrm.optout.config.OptoutConfig;
import org.guestcrm.optout.domain.ConsentChannel;
import org.guestcrm.optout.domain.ConsentStatus;
import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.optout.persistence.ProfileContactPointEntity;
import org.guestcrm.optout.persistence.SourceProfileEntity;
import org.guestcrm.optout.persistence.SourceProfileStore;
import org.guestcrm.platform.domain.ContactKind;
import org.guestcrm.platform.outbox.Outbox;
import org.guestcrm.schemas.Topic;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

/**
 * The write-back to the PMS: ContactDetailsUpdated on crm.contact-updates (key {@code tenant:pmsSystem:pmsProfileId}),
 * one per PMS profile that holds the contact point now, through the outbox in the caller's transaction, for the
 * pms-connector to write into that profile. Consent goes back as the profile's marketing flag of the channel (the PMS
 * flags speak only of marketing); a guest's correction of an e-mail address as the profile's e-mail list.
 */
@ApplicationScoped
public class ContactUpdatePublisher {

    @Inject
    OptoutConfig config;
    @Inject
    Outbox outbox;

    /**
     * A consent change said outside the PMS (link, preference centre, staff, bounce) in {@code scope}, for the
     * marketing flags of the profiles holding {@code contactPoint} whose statements hold in that scope (every holder for
     * the tenant's scope; for a hotel's or brand's scope those whose last record named a hotel of it, never a
     * chain-level profile, whose one flag would speak for every hotel); nothing for a channel without a PMS flag.
     * @return events written
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int consentChanged(String tenant, ContactPoint contactPoint, ConsentChannel channel, ConsentStatus status,
            String scope, ContactUpdateReason reason, String correlationId, String causationId) {
        List<SourceProfileStore.Holder> holders = holders(tenant, contactPoint).stream()
                .map(p -> new SourceProfileStore.Holder(tenant, contactPoint.kind(), contactPoint.value(), p.id, p.pmsSystem,
                        p.pmsProfileId, p.hotelCode))
                .toList();
        return consentChanged(tenant, channel, status, scope, reason, correlationId, causationId, holders);
    }

    /** The holders a change in {@code scope} is written back to (see above). */
    List<SourceProfileStore.Holder> inScope(String tenant, String scope, List<SourceProfileStore.Holder> holders) {
        if (scope == null || org.guestcrm.optout.domain.ConsentScope.isTenant(scope)) {
            return holders;
        }
        return holders.stream().filter(h -> h.hotelCode() != null && scope.equals(config.scopeOf(tenant, h.hotelCode())))
                .toList();
    }

    /** As above, to the {@code holders} already found (the intake finds those of a whole batch in one query). */
    @Transactional(Transactional.TxType.MANDATORY)
    public int consentChanged(String tenant, ConsentChannel channel, ConsentStatus status, String scope,
            ContactUpdateReason reason, String correlationId, String causationId, List<SourceProfileStore.Holder> allHolders) {
        List<SourceProfileStore.Holder> holders = inScope(tenant, scope, allHolders);
        Boolean granted = status == ConsentStatus.GRANTED;
        PmsMarketingFlags.Builder flags = PmsMarketingFlags.newBuilder();
        switch (channel) {
            case EMAIL -> flags.setEmailOptIn(granted);
            case SMS -> flags.setSmsOptIn(granted);
            case PHONE -> flags.setPhoneOptIn(granted);
            case POST -> flags.setPostOptIn(granted);
        }
        int written = 0;
        for (SourceProfileStore.Holder holder : holders) {
            outbox.add(Topic.CRM_CONTACT_UPDATES, tenant + ":" + holder.pmsSystem() + ":" + holder.pmsProfileId(),
                    ContactDetailsUpdated.newBuilder()
                            .setMetadata(metadata(tenant, correlationId, causationId))
                            .setPmsSystem(holder.pmsSystem())
                            .setPmsProfileId(holder.pmsProfileId())
                            .setMarketingFlags(flags.build())
                            .setReason(reason)
                            .build());
            written++;
        }
        return written;
    }

    /**
     * The guest corrected an e-mail address: each profile holding {@code old} gets its e-mail list with {@code old}
     * replaced by {@code corrected} (the list as this service holds it, normalised). @return events written
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int emailCorrected(String tenant, ContactPoint old, ContactPoint corrected, String correlationId) {
        int written = 0;
        for (SourceProfileEntity profile : holders(tenant, old)) {
            Map<String, EmailAddress> emails = new LinkedHashMap<>();
            for (ProfileContactPointEntity row : ProfileContactPointEntity.listBySourceProfile(profile.id)) {
                if (row.kind != ContactKind.EMAIL) {
                    continue;
                }
                String value = row.value.equals(old.value()) ? corrected.value() : row.value;
                emails.putIfAbsent(value, EmailAddress.newBuilder().setAddress(value).setPrimary(emails.isEmpty()).build());
            }
            outbox.add(Topic.CRM_CONTACT_UPDATES, key(profile), ContactDetailsUpdated.newBuilder()
                    .setMetadata(metadata(tenant, correlationId, null))
                    .setPmsSystem(profile.pmsSystem)
                    .setPmsProfileId(profile.pmsProfileId)
                    .setEmails(new ArrayList<>(emails.values()))
                    .setReason(ContactUpdateReason.GUEST_CORRECTION)
                    .build());
            written++;
        }
        return written;
    }

    /**
     * The guest corrected a phone number (E.164): each PMS profile holding {@code holderOf} (the session's e-mail) gets
     * its phone list as this service holds it (E.164 keys), {@code old} replaced by {@code corrected} where the profile
     * holds it, else {@code corrected} added; the first marked primary. @return events written
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int phoneCorrected(String tenant, ContactPoint holderOf, ContactPoint old, ContactPoint corrected,
            String correlationId) {
        int written = 0;
        for (SourceProfileEntity profile : holders(tenant, holderOf)) {
            List<String> numbers = new ArrayList<>();
            boolean replaced = false;
            for (ProfileContactPointEntity row : ProfileContactPointEntity.listBySourceProfile(profile.id)) {
                if (row.kind != ContactKind.PHONE) {
                    continue;
                }
                boolean isOld = old != null && row.value.equals(old.value());
                replaced |= isOld;
                String value = isOld ? corrected.value() : row.value;
                if (!numbers.contains(value)) {
                    numbers.add(value);
                }
            }
            if (!replaced && !numbers.contains(corrected.value())) {
                numbers.add(corrected.value());
            }
            List<PhoneNumber> phones = new ArrayList<>();
            for (String number : numbers) {
                phones.add(PhoneNumber.newBuilder().setNumber(number).setPrimary(phones.isEmpty()).build());
            }
            outbox.add(Topic.CRM_CONTACT_UPDATES, key(profile), ContactDetailsUpdated.newBuilder()
                    .setMetadata(metadata(tenant, correlationId, null))
                    .setPmsSystem(profile.pmsSystem)
                    .setPmsProfileId(profile.pmsProfileId)
                    .setPhones(phones)
                    .setReason(ContactUpdateReason.GUEST_CORRECTION)
                    .build());
            written++;
        }
        return written;
    }

    /**
     * The guest corrected the postal address: each PMS profile holding {@code holderOf} (the session's e-mail) gets
     * {@code address} as its (primary) address, the other fields null (unchanged). @return events written
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int addressCorrected(String tenant, ContactPoint holderOf, PostalAddress address, String correlationId) {
        int written = 0;
        for (SourceProfileEntity profile : holders(tenant, holderOf)) {
            outbox.add(Topic.CRM_CONTACT_UPDATES, key(profile), ContactDetailsUpdated.newBuilder()
                    .setMetadata(metadata(tenant, correlationId, null))
                    .setPmsSystem(profile.pmsSystem)
                    .setPmsProfileId(profile.pmsProfileId)
                    .setAddress(PostalAddress.newBuilder(address).build())
                    .setReason(ContactUpdateReason.GUEST_CORRECTION)
                    .build());
            written++;
        }
        return written;
    }

    /**
     * The guest corrected a name or the language: each profile holding {@code contactPoint} gets the fields given, the
     * others null (unchanged). @return events written
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int detailsCorrected(String tenant, ContactPoint contactPoint, String firstName, String lastName, String language,
            String correlationId) {
        int written = 0;
        for (SourceProfileEntity profile : holders(tenant, contactPoint)) {
            outbox.add(Topic.CRM_CONTACT_UPDATES, key(profile), ContactDetailsUpdated.newBuilder()
                    .setMetadata(metadata(tenant, correlationId, null))
                    .setPmsSystem(profile.pmsSystem)
                    .setPmsProfileId(profile.pmsProfileId)
                    .setFirstName(firstName)
                    .setLastName(lastName)
                    .setLanguage(language)
                    .setReason(ContactUpdateReason.GUEST_CORRECTION)
                    .build());
            written++;
        }
        return written;
    }

    /** The PMS profiles that hold {@code contactPoint} now. */
    public static List<SourceProfileEntity> holders(String tenant, ContactPoint contactPoint) {
        List<UUID> ids = ProfileContactPointEntity.listByTenantAndValue(tenant, contactPoint.value()).stream()
                .filter(row -> row.kind == contactPoint.kind()).map(row -> row.sourceProfileId).distinct().toList();
        return SourceProfileEntity.listByIds(ids);
    }

    private static String key(SourceProfileEntity profile) {
        return profile.tenant + ":" + profile.pmsSystem + ":" + profile.pmsProfileId;
    }

    private EventMetadata metadata(String tenant, String correlationId, String causationId) {
        return EventMetadata.newBuilder()
                .setEventId(UUID.randomUUID())
                .setEventType(ContactDetailsUpdated.class.getSimpleName())
                .setOccurredAt(Instant.now())
                .setSource(config.serviceName())
                .setTenantId(tenant)
                .setCorrelationId(correlationId != null ? correlationId : UUID.randomUUID().toString())
                .setCausationId(causationId)
                .setSchemaVersion(1)
                .build();
    }
}

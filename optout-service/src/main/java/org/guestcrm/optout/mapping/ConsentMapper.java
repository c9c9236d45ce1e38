package org.guestcrm.optout.mapping;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.guestcrm.events.ConsentChanged;
import org.guestcrm.events.EmailAddress;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.PhoneNumber;
import org.guestcrm.events.PmsMarketingFlags;
import org.guestcrm.events.PostalAddress;
import org.guestcrm.optout.api.ConsentsDto;
import org.guestcrm.optout.domain.ConsentStatement;
import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.optout.domain.PmsMarketingPermissions;
import org.guestcrm.optout.persistence.ConsentEntryEntity;
import org.guestcrm.optout.persistence.ConsentStateEntity;
import org.guestcrm.optout.persistence.SourceProfileEntity;
import org.guestcrm.platform.domain.SnapshotVersion;

/**
 * The one place where the shapes of consent meet: Avro records (pms.profiles in, crm.consents out), JPA entities,
 * HTTP DTOs and the domain types.
 */
public final class ConsentMapper {

    private ConsentMapper() {
    }

    public static SnapshotVersion versionOf(GuestProfileChanged event) {
        return new SnapshotVersion(event.getPmsSequence(), event.getPmsUpdatedAt(), event.getMetadata().getOccurredAt());
    }

    public static SnapshotVersion versionOf(SourceProfileEntity entity) {
        return new SnapshotVersion(entity.pmsSequence, entity.pmsUpdatedAt, entity.occurredAt);
    }

    public static SnapshotVersion versionOf(org.guestcrm.optout.persistence.SourceProfileStore.HeldProfile held) {
        return new SnapshotVersion(held.pmsSequence, held.pmsUpdatedAt, held.occurredAt);
    }

    /**
     * The profile's distinct normalised contact points, phones in E.164 read as dialled in {@code phoneRegion} when in
     * national form, postal addresses by their key (first street line, postcode, country code); values that cannot be
     * contact points are left out (an address without a key: see {@link #addressesWithoutKey}).
     */
    public static List<ContactPoint> contactPoints(GuestProfileChanged event, String phoneRegion) {
        List<ContactPoint> points = new ArrayList<>();
        if (event.getEmails() != null) {
            event.getEmails().stream().map(EmailAddress::getAddress).map(ContactPoint::email).flatMap(Optional::stream).forEach(points::add);
        }
        if (event.getPhones() != null) {
            event.getPhones().stream().map(PhoneNumber::getNumber).map(n -> ContactPoint.phone(n, phoneRegion)).flatMap(Optional::stream).forEach(points::add);
        }
        postalAddresses(event.getAddresses()).forEach(points::add);
        return points.stream().distinct().toList();
    }

    /** The postal addresses that have a key (country code, postcode and a first street line), in order. */
    public static List<ContactPoint> postalAddresses(List<PostalAddress> addresses) {
        if (addresses == null) {
            return List.of();
        }
        return addresses.stream().map(ConsentMapper::postal).flatMap(Optional::stream).toList();
    }

    /** How many of the profile's postal addresses have no key (incomplete: no POST consent can be recorded for them). */
    public static int addressesWithoutKey(GuestProfileChanged event) {
        return event.getAddresses() == null ? 0 : (int) event.getAddresses().stream().filter(a -> postal(a).isEmpty()).count();
    }

    private static Optional<ContactPoint> postal(PostalAddress address) {
        if (address == null || address.getLines() == null || address.getLines().isEmpty()) {
            return Optional.empty();
        }
        return ContactPoint.postal(address.getLines().get(0), address.getPostalCode(), address.getCountryCode());
    }

    public static PmsMarketingPermissions permissions(GuestProfileChanged event) {
        PmsMarketingFlags flags = event.getMarketingFlags();
        return flags == null ? null : new PmsMarketingPermissions(flags.getEmailOptIn(), flags.getSmsOptIn(),
                flags.getPhoneOptIn(), flags.getPostOptIn(), flags.getDoNotContact());
    }

    public static ConsentEntryEntity entry(String tenant, ConsentStatement statement, GuestProfileChanged cause, Instant now) {
        ConsentEntryEntity entry = entry(tenant, statement, cause.getMetadata().getEventId().toString(), cause.getPmsSystem(),
                cause.getPmsProfileId(), now);
        entry.actor = "pms:" + cause.getPmsSystem();
        entry.sourceDetail = cause.getPmsSystem();
        return entry;
    }

    /** A ledger entry for {@code statement}; {@code evidence} is an id (event, request, link), never personal data. */
    public static ConsentEntryEntity entry(String tenant, ConsentStatement statement, String evidence, String pmsSystem,
                                           String pmsProfileId, Instant now) {
        ConsentEntryEntity entry = new ConsentEntryEntity();
        entry.id = UUID.randomUUID();
        entry.tenant = tenant;
        entry.contactPoint = statement.contactPoint().value();
        entry.channel = statement.channel().name();
        entry.purpose = statement.purpose().name();
        entry.status = statement.status().name();
        entry.source = statement.source().name();
        entry.effectiveAt = statement.effectiveAt();
        entry.evidence = evidence;
        entry.scope = statement.scope();
        entry.pmsSystem = pmsSystem;
        entry.pmsProfileId = pmsProfileId;
        entry.recordedAt = now;
        return entry;
    }

    public static void copyInto(ConsentEntryEntity entry, ConsentStateEntity state, Instant now) {
        state.tenant = entry.tenant;
        state.contactPoint = entry.contactPoint;
        state.channel = entry.channel;
        state.purpose = entry.purpose;
        state.scope = entry.scope;
        state.status = entry.status;
        state.source = entry.source;
        state.effectiveAt = entry.effectiveAt;
        state.entryId = entry.id;
        state.updatedAt = now;
    }

    public static ConsentChanged toConsentChanged(ConsentEntryEntity entry, String hotelCode, EventMetadata metadata) {
        return toConsentChanged(entry, hotelCode, null, metadata);
    }

    /** {@code guestId}: the golden guest holding the contact point, when exactly one does (crm.guests), else null. */
    public static ConsentChanged toConsentChanged(ConsentEntryEntity entry, String hotelCode, String guestId, EventMetadata metadata) {
        return ConsentChanged.newBuilder()
                .setMetadata(metadata)
                .setContactPoint(entry.contactPoint)
                .setChannel(org.guestcrm.events.ConsentChannel.valueOf(entry.channel))
                .setPurpose(org.guestcrm.events.ConsentPurpose.valueOf(entry.purpose))
                .setStatus(org.guestcrm.events.ConsentStatus.valueOf(entry.status))
                .setSource(org.guestcrm.events.ConsentSource.valueOf(entry.source))
                .setEffectiveAt(entry.effectiveAt)
                .setGuestId(guestId)
                .setHotelCode(hotelCode)
                .setEvidence(entry.evidence)
                .setScope(scopeOf(entry.scope))
                .build();
    }

    /**
     * The scope as crm.consents names it: {@code TENANT} for the whole tenant, {@code HOTEL=<code>} or
     * {@code BRAND=<brand>} (the form the key carries before the contact point).
     */
    public static String scopeOf(String scope) {
        return org.guestcrm.optout.domain.ConsentScope.isTenant(scope) ? org.guestcrm.optout.domain.ConsentScope.TENANT
                : scope.replace(':', '=');
    }

    public static ConsentsDto toDto(String tenant, ContactPoint contactPoint, List<ConsentStateEntity> states,
                                    List<ConsentEntryEntity> history, List<SourceProfileEntity> heldBy) {
        return new ConsentsDto(tenant, contactPoint.value(), contactPoint.kind().name(),
                states.stream().map(s -> new ConsentsDto.StateDto(s.channel, s.purpose, s.status, s.source, s.effectiveAt, s.scope)).toList(),
                history.stream().map(e -> new ConsentsDto.EntryDto(e.channel, e.purpose, e.status, e.source, e.effectiveAt,
                        e.evidence, e.pmsSystem, e.pmsProfileId, e.actor, e.sourceDetail, e.scope, e.recordedAt)).toList(),
                heldBy.stream().map(p -> new ConsentsDto.SourceProfileDto(p.pmsSystem, p.pmsProfileId)).toList());
    }
}

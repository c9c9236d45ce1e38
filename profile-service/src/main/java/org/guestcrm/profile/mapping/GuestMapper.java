package org.guestcrm.profile.mapping;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.guestcrm.events.ContactPoint;
import org.guestcrm.events.EmailAddress;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.GuestUpdated;
import org.guestcrm.events.PhoneNumber;
import org.guestcrm.events.ProfileChangeType;
import org.guestcrm.events.SourceProfileRef;
import org.guestcrm.platform.domain.ContactKind;
import org.guestcrm.platform.domain.SnapshotVersion;
import org.guestcrm.profile.api.GuestDto;
import org.guestcrm.profile.domain.GoldenRecord;
import org.guestcrm.profile.domain.SourceContact;
import org.guestcrm.profile.domain.SourceProfileKey;
import org.guestcrm.profile.domain.SourceProfileSnapshot;
import org.guestcrm.profile.persistence.GuestContactPointEntity;
import org.guestcrm.profile.persistence.GuestEntity;
import org.guestcrm.profile.persistence.MatchDecisionEntity;
import org.guestcrm.profile.persistence.SourceProfileEntity;
import org.guestcrm.profile.persistence.StoredContact;

/**
 * The one place where the three shapes of a guest meet: the Avro records (pms.profiles in, crm.guests out),
 * the JPA entities and the HTTP DTOs, plus the domain snapshots the rules work on.
 */
public final class GuestMapper {

    private GuestMapper() {
    }

    public static SnapshotVersion versionOf(GuestProfileChanged event) {
        return new SnapshotVersion(event.getPmsSequence(), event.getPmsUpdatedAt(), event.getMetadata().getOccurredAt());
    }

    public static SnapshotVersion versionOf(SourceProfileEntity entity) {
        return new SnapshotVersion(entity.pmsSequence, entity.pmsUpdatedAt, entity.occurredAt);
    }

    /** Copies the state of a pms.profiles event onto the stored source profile. */
    public static void copyInto(GuestProfileChanged event, SourceProfileEntity entity) {
        EventMetadata metadata = event.getMetadata();
        entity.tenant = metadata.getTenantId();
        entity.pmsSystem = event.getPmsSystem();
        entity.pmsProfileId = event.getPmsProfileId();
        entity.hotelCode = event.getHotelCode();
        entity.changeType = event.getChangeType() == null ? ProfileChangeType.UNKNOWN.name() : event.getChangeType().name();
        entity.mergedIntoPmsProfileId = event.getMergedIntoPmsProfileId();
        entity.profileType = event.getProfileType();
        entity.title = event.getTitle();
        entity.firstName = event.getFirstName();
        entity.middleName = event.getMiddleName();
        entity.lastName = event.getLastName();
        entity.birthDate = event.getBirthDate();
        entity.gender = event.getGender();
        entity.language = event.getLanguage();
        entity.nationality = event.getNationality();
        entity.companyName = event.getCompanyName();
        entity.loyaltyProgram = event.getLoyaltyProgram();
        entity.loyaltyNumber = event.getLoyaltyNumber();
        entity.emails = new ArrayList<>(event.getEmails() == null ? List.of()
                : event.getEmails().stream().map(GuestMapper::stored).toList());
        entity.phones = new ArrayList<>(event.getPhones() == null ? List.of()
                : event.getPhones().stream().map(GuestMapper::stored).toList());
        entity.pmsSequence = event.getPmsSequence();
        entity.pmsUpdatedAt = event.getPmsUpdatedAt();
        entity.occurredAt = metadata.getOccurredAt();
        entity.lastEventId = metadata.getEventId();
    }

    private static StoredContact stored(EmailAddress email) {
        return new StoredContact(email.getAddress(), email.getType(), email.getPrimary());
    }

    private static StoredContact stored(PhoneNumber phone) {
        return new StoredContact(phone.getNumber(), phone.getType(), phone.getPrimary());
    }

    public static SourceProfileSnapshot toSnapshot(SourceProfileEntity entity) {
        boolean active = !ProfileChangeType.DELETED.name().equals(entity.changeType)
                && !ProfileChangeType.MERGED_INTO_OTHER.name().equals(entity.changeType);
        return new SourceProfileSnapshot(
                keyOf(entity), entity.hotelCode, active,
                entity.title, entity.firstName, entity.lastName, entity.birthDate,
                entity.language, entity.nationality, entity.companyName,
                entity.emails.stream().map(c -> new SourceContact(c.value(), c.type(), c.primary())).toList(),
                entity.phones.stream().map(c -> new SourceContact(c.value(), c.type(), c.primary())).toList(),
                versionOf(entity));
    }

    public static SourceProfileKey keyOf(SourceProfileEntity entity) {
        return new SourceProfileKey(entity.tenant, entity.pmsSystem, entity.pmsProfileId);
    }

    /** Puts the composed golden record onto the guest row. */
    public static void copyInto(GoldenRecord record, GuestEntity guest) {
        guest.title = record.title();
        guest.firstName = record.firstName();
        guest.lastName = record.lastName();
        guest.birthDate = record.birthDate();
        guest.language = record.language();
        guest.nationality = record.nationality();
        guest.companyName = record.companyName();
    }

    /** One contact-point row per value and source profile that holds it. */
    public static List<GuestContactPointEntity> contactPointRows(GuestEntity guest, GoldenRecord record,
                                                                 Map<SourceProfileKey, UUID> sourceProfileIds) {
        List<GuestContactPointEntity> rows = new ArrayList<>();
        for (List<GoldenRecord.ComposedContactPoint> points : List.of(record.emails(), record.phones())) {
            for (GoldenRecord.ComposedContactPoint point : points) {
                for (SourceProfileKey source : point.sources()) {
                    GuestContactPointEntity row = new GuestContactPointEntity();
                    row.id = UUID.randomUUID();
                    row.guestId = guest.id;
                    row.tenant = guest.tenant;
                    row.kind = point.kind();
                    row.value = point.value();
                    row.type = point.type();
                    row.primary = point.primary();
                    row.sourceProfileId = Objects.requireNonNull(sourceProfileIds.get(source), "source profile id");
                    row.lastSeenAt = point.lastSeenAt();
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    public static GuestUpdated toGuestUpdated(GuestEntity guest, List<GuestContactPointEntity> contactPoints,
                                              List<SourceProfileEntity> sources, EventMetadata metadata) {
        Map<UUID, SourceProfileEntity> sourcesById = new LinkedHashMap<>();
        sources.forEach(s -> sourcesById.put(s.id, s));
        return GuestUpdated.newBuilder()
                .setMetadata(metadata)
                .setGuestId(guest.id.toString())
                .setVersion(guest.version)
                .setTitle(guest.title)
                .setFirstName(guest.firstName)
                .setLastName(guest.lastName)
                .setBirthDate(guest.birthDate)
                .setLanguage(guest.language)
                .setNationality(guest.nationality)
                .setCompanyName(guest.companyName)
                .setEmails(avroContactPoints(contactPoints, ContactKind.EMAIL, sourcesById))
                .setPhones(avroContactPoints(contactPoints, ContactKind.PHONE, sourcesById))
                .setSourceProfiles(sources.stream().map(GuestMapper::sourceRef).toList())
                .setLoyaltyNumbers(sources.stream().map(s -> s.loyaltyNumber).filter(Objects::nonNull).distinct().toList())
                .build();
    }

    private static List<ContactPoint> avroContactPoints(List<GuestContactPointEntity> rows, ContactKind kind,
                                                        Map<UUID, SourceProfileEntity> sourcesById) {
        return grouped(rows, kind).values().stream()
                .map(group -> {
                    GuestContactPointEntity first = group.get(0);
                    return ContactPoint.newBuilder()
                            .setValue(first.value)
                            .setType(first.type)
                            .setPrimary(first.primary)
                            .setSources(group.stream().map(r -> sourcesById.get(r.sourceProfileId))
                                    .filter(Objects::nonNull).map(GuestMapper::sourceRef).toList())
                            .setLastSeenAt(group.stream().map(r -> r.lastSeenAt).max(Comparator.naturalOrder()).orElse(null))
                            .build();
                })
                .toList();
    }

    private static SourceProfileRef sourceRef(SourceProfileEntity source) {
        return SourceProfileRef.newBuilder()
                .setPmsSystem(source.pmsSystem)
                .setPmsProfileId(source.pmsProfileId)
                .setHotelCode(source.hotelCode)
                .build();
    }

    private static Map<String, List<GuestContactPointEntity>> grouped(List<GuestContactPointEntity> rows, ContactKind kind) {
        Map<String, List<GuestContactPointEntity>> byValue = new LinkedHashMap<>();
        rows.stream()
                .filter(r -> r.kind == kind)
                .sorted(Comparator.comparing((GuestContactPointEntity r) -> !r.primary).thenComparing(r -> r.value))
                .forEach(r -> byValue.computeIfAbsent(r.value, v -> new ArrayList<>()).add(r));
        return byValue;
    }

    public static GuestDto toDto(GuestEntity guest, List<GuestContactPointEntity> contactPoints,
                                 List<SourceProfileEntity> sources, Map<UUID, java.time.Instant> linkedAt,
                                 List<MatchDecisionEntity> decisions) {
        Map<UUID, SourceProfileEntity> sourcesById = new LinkedHashMap<>();
        sources.forEach(s -> sourcesById.put(s.id, s));
        Map<UUID, MatchDecisionEntity> latestDecision = new LinkedHashMap<>();
        decisions.forEach(d -> latestDecision.put(d.sourceProfileId, d));
        return new GuestDto(
                guest.id, guest.tenant, guest.version,
                guest.title, guest.firstName, guest.lastName, guest.birthDate,
                guest.language, guest.nationality, guest.companyName,
                dtoContactPoints(contactPoints, ContactKind.EMAIL, sourcesById),
                dtoContactPoints(contactPoints, ContactKind.PHONE, sourcesById),
                sources.stream().map(s -> {
                    MatchDecisionEntity decision = latestDecision.get(s.id);
                    return new GuestDto.SourceProfileDto(s.pmsSystem, s.pmsProfileId, s.hotelCode, s.changeType,
                            linkedAt.get(s.id),
                            decision == null ? null : decision.rule,
                            decision == null ? null : decision.explanation);
                }).toList(),
                guest.createdAt, guest.updatedAt);
    }

    private static List<GuestDto.ContactPointDto> dtoContactPoints(List<GuestContactPointEntity> rows, ContactKind kind,
                                                                   Map<UUID, SourceProfileEntity> sourcesById) {
        return grouped(rows, kind).values().stream()
                .map(group -> {
                    GuestContactPointEntity first = group.get(0);
                    return new GuestDto.ContactPointDto(first.value, first.type, first.primary,
                            group.stream().map(r -> sourcesById.get(r.sourceProfileId)).filter(Objects::nonNull)
                                    .map(s -> new GuestDto.SourceRefDto(s.pmsSystem, s.pmsProfileId)).toList(),
                            group.stream().map(r -> r.lastSeenAt).max(Comparator.naturalOrder()).orElse(null));
                })
                .toList();
    }
}

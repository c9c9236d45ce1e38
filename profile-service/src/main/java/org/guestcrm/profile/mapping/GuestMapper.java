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
import org.guestcrm.platform.domain.ContactPointNormaliser;
import org.guestcrm.profile.domain.matching.EmailEvidence;
import org.guestcrm.profile.domain.matching.PersonRecord;
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

    /**
     * Copies the state of a pms.profiles event onto the stored source profile; answers what bounding its preferences
     * cut or left out ({@link org.guestcrm.profile.domain.Preferences#bound}).
     */
    public static org.guestcrm.profile.domain.Preferences.Bounded copyInto(GuestProfileChanged event, SourceProfileEntity entity) {
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
        org.guestcrm.events.PostalAddress address = event.getAddresses() == null ? null : event.getAddresses().stream()
                .sorted(Comparator.comparing((org.guestcrm.events.PostalAddress a) -> !a.getPrimary()))
                .findFirst().orElse(null);
        entity.postalCode = address == null ? null : address.getPostalCode();
        entity.city = address == null ? null : address.getCity();
        entity.street = address == null || address.getLines() == null || address.getLines().isEmpty() ? null
                : String.join(" ", address.getLines());
        entity.countryCode = address == null ? null : address.getCountryCode();
        entity.documentType = event.getIdentityDocument() == null ? null : event.getIdentityDocument().getType();
        entity.documentNumber = event.getIdentityDocument() == null ? null : event.getIdentityDocument().getNumber();
        entity.pmsSequence = event.getPmsSequence();
        entity.pmsUpdatedAt = event.getPmsUpdatedAt();
        entity.occurredAt = metadata.getOccurredAt();
        entity.lastEventId = metadata.getEventId();
        org.guestcrm.profile.domain.Preferences.Bounded preferences =
                org.guestcrm.profile.domain.Preferences.bound(event.getPreferences());
        entity.preferences = preferences.entries();
        return preferences;
    }

    /**
     * Computes the stored match features of a source profile (PersonRecord's normalisation): the first e-mail that is
     * evidence (primary first), the first phone that is valid in E.164 (default region: the address's country, else
     * the nationality), the address, document and loyalty numbers.
     */
    public static void computeMatchFeatures(SourceProfileEntity entity, EmailEvidence evidence) {
        computeMatchFeatures(entity, evidence, key -> false);
    }

    /**
     * As above, leaving out contact points demoted as shared by unrelated guests ({@code shared} is asked with the
     * match key, {@code e:} + e-mail or {@code p:} + E.164 phone).
     */
    public static void computeMatchFeatures(SourceProfileEntity entity, EmailEvidence evidence,
            java.util.function.Predicate<String> shared) {
        String email = entity.emails.stream()
                .sorted(Comparator.comparing((StoredContact c) -> !c.primary()))
                .map(c -> org.guestcrm.platform.domain.ContactPointNormaliser.email(c.value()))
                .flatMap(java.util.Optional::stream)
                .filter(evidence::isEvidence)
                .filter(e -> !shared.test("e:" + e))
                .findFirst().orElse(null);
        String region = entity.countryCode != null ? entity.countryCode : entity.nationality;
        String phone = entity.phones.stream()
                .sorted(Comparator.comparing((StoredContact c) -> !c.primary()))
                .map(c -> ContactPointNormaliser.e164(c.value(), region))
                .flatMap(java.util.Optional::stream)
                .filter(e -> !shared.test("p:" + e))
                .findFirst().orElse(null);
        PersonRecord person = PersonRecord.of(String.valueOf(entity.id), entity.firstName, entity.lastName,
                entity.birthDate == null ? null : entity.birthDate.toString(), entity.postalCode, entity.city, entity.street,
                email, entity.documentNumber, phone, entity.loyaltyNumber, evidence);
        entity.matchGivenName = person.givenName();
        entity.matchSurname = person.surname();
        entity.matchBirthDate = person.birthDate();
        entity.matchPostcode = person.postcode();
        entity.matchCity = person.city();
        entity.matchStreet = person.street();
        entity.matchEmail = person.email();
        entity.matchPhone = person.phone();
        entity.matchDocument = person.documentNumber();
        entity.matchLoyalty = person.loyaltyNumber();
    }

    /** Sets the entity's match features to a person's computed by {@link #computeMatchFeatures} for the same state. */
    public static void setMatchFeatures(SourceProfileEntity entity, PersonRecord person) {
        entity.matchGivenName = person.givenName();
        entity.matchSurname = person.surname();
        entity.matchBirthDate = person.birthDate();
        entity.matchPostcode = person.postcode();
        entity.matchCity = person.city();
        entity.matchStreet = person.street();
        entity.matchEmail = person.email();
        entity.matchPhone = person.phone();
        entity.matchDocument = person.documentNumber();
        entity.matchLoyalty = person.loyaltyNumber();
    }

    /** The stored match features as the matcher's record (id = the source profile id). */
    public static PersonRecord personOf(SourceProfileEntity e) {
        return new PersonRecord(String.valueOf(e.id), e.matchGivenName, e.matchSurname, e.matchBirthDate, e.matchPostcode,
                e.matchCity, e.matchStreet, e.matchEmail, e.matchDocument, e.matchPhone, e.matchLoyalty);
    }

    private static StoredContact stored(EmailAddress email) {
        return new StoredContact(email.getAddress(), email.getType(), email.getPrimary());
    }

    private static StoredContact stored(PhoneNumber phone) {
        return new StoredContact(phone.getNumber(), phone.getType(), phone.getPrimary());
    }

    /** The source profile as survivorship sees it: its feed's trust and the regions its national phones are read in. */
    public static SourceProfileSnapshot toSnapshot(SourceProfileEntity entity, org.guestcrm.profile.config.ProfileConfig config) {
        boolean active = !ProfileChangeType.DELETED.name().equals(entity.changeType)
                && !ProfileChangeType.MERGED_INTO_OTHER.name().equals(entity.changeType);
        return new SourceProfileSnapshot(
                keyOf(entity), entity.hotelCode, active,
                entity.title, entity.firstName, entity.lastName, entity.birthDate,
                entity.language, entity.nationality, entity.companyName,
                entity.emails.stream().map(c -> new SourceContact(c.value(), c.type(), c.primary())).toList(),
                entity.phones.stream().map(c -> new SourceContact(c.value(), c.type(), c.primary())).toList(),
                versionOf(entity),
                trustOf(entity, config),
                config.phoneRegions(entity.tenant, entity.hotelCode, entity.countryCode, entity.nationality),
                entity.preferences);
    }

    public static org.guestcrm.profile.domain.SourceTrust trustOf(SourceProfileEntity entity,
            org.guestcrm.profile.config.ProfileConfig config) {
        return org.guestcrm.profile.domain.SourceTrust.of(config.feedTrust(), entity.pmsSystem, entity.loyaltyNumber);
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
        Map<String, String> fieldSources = new java.util.TreeMap<>();
        record.fieldSources().forEach((field, source) -> fieldSources.put(field.name(), source.explain()));
        record.preferenceSources().forEach((key, source) -> fieldSources.put("PREFERENCE " + key, source.explain()));
        guest.fieldSources = fieldSources;
        guest.preferences = new java.util.TreeMap<>(record.preferences());
    }

    /** One contact-point row per value and source profile that holds it. */
    public static List<GuestContactPointEntity> contactPointRows(GuestEntity guest, GoldenRecord record,
                                                                 Map<SourceProfileKey, UUID> sourceProfileIds) {
        List<GuestContactPointEntity> rows = new ArrayList<>();
        for (List<GoldenRecord.ComposedContactPoint> points : List.of(record.emails(), record.phones())) {
            for (GoldenRecord.ComposedContactPoint point : points) {
                for (GoldenRecord.Provenance source : point.sources()) {
                    GuestContactPointEntity row = new GuestContactPointEntity();
                    row.guestId = guest.id;
                    row.tenant = guest.tenant;
                    row.kind = point.kind();
                    row.value = point.value();
                    row.type = point.type();
                    row.primary = point.primary();
                    row.sourceProfileId = Objects.requireNonNull(sourceProfileIds.get(source.key()), "source profile id");
                    row.lastSeenAt = source.seenAt();
                    row.sourceTrust = source.trust().name();
                    row.notForMarketing = point.notForMarketing();
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /**
     * The golden record for crm.guests, bounded: at most {@code maxSourceRefs} source profile refs (most recently
     * changed first; the same cap per contact point) and {@code maxContactPoints} e-mails and phones each (primary
     * first, then survivorship's rank). The whole record is at GET /api/v1/guests/{guestId}.
     */
    public static GuestUpdated toGuestUpdated(GuestEntity guest, List<GuestContactPointEntity> contactPoints,
                                              List<SourceProfileEntity> sources,
                                              org.guestcrm.profile.domain.StaySummary stays, EventMetadata metadata,
                                              int maxSourceRefs, int maxContactPoints) {
        Comparator<SourceProfileEntity> newestFirst = Comparator
                .comparing((SourceProfileEntity s) -> versionOf(s).effectiveAt()).reversed()
                .thenComparing(s -> s.pmsSystem).thenComparing(s -> s.pmsProfileId);
        List<SourceProfileEntity> ordered = sources.stream().sorted(newestFirst).toList();
        Map<UUID, SourceProfileEntity> sourcesById = new LinkedHashMap<>();
        ordered.forEach(s -> sourcesById.put(s.id, s));
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
                .setEmails(avroContactPoints(contactPoints, ContactKind.EMAIL, sourcesById, maxSourceRefs, maxContactPoints))
                .setPhones(avroContactPoints(contactPoints, ContactKind.PHONE, sourcesById, maxSourceRefs, maxContactPoints))
                .setPreferences(guest.preferences == null ? Map.of() : new java.util.TreeMap<>(guest.preferences))
                .setSourceProfiles(ordered.stream().limit(maxSourceRefs).map(GuestMapper::sourceRef).toList())
                .setLoyaltyNumbers(ordered.stream().map(s -> s.loyaltyNumber).filter(Objects::nonNull).distinct()
                        .limit(maxSourceRefs).toList())
                .setStayCount(stays.stays())
                .setLastStayDeparture(stays.lastStayDeparture())
                .setLastStayHotelCode(stays.lastStayHotelCode())
                .setTotalSpend(stays.mainCurrency() == null ? null : org.guestcrm.events.Money.newBuilder()
                        .setAmount(stays.spendByCurrency().get(stays.mainCurrency()).setScale(4, java.math.RoundingMode.HALF_EVEN))
                        .setCurrency(stays.mainCurrency()).build())
                .setQualificationTier(guest.qualificationTier)
                .build();
    }

    /**
     * SHA-256 of what a GuestUpdated shows, leaving out what changes without the guest changing: the envelope, the
     * version and the contact points' lastSeenAt (a PMS re-sending the same state moves only that).
     */
    public static String visibleFingerprint(GuestUpdated updated) {
        GuestUpdated visible = GuestUpdated.newBuilder(updated)
                .setMetadata(EventMetadata.newBuilder().setEventId(new UUID(0, 0)).setEventType("").setOccurredAt(java.time.Instant.EPOCH)
                        .setSource("").setTenantId("").setCorrelationId("").build())
                .setVersion(0)
                .setEmails(updated.getEmails().stream().map(c -> ContactPoint.newBuilder(c).setLastSeenAt(null).build()).toList())
                .setPhones(updated.getPhones().stream().map(c -> ContactPoint.newBuilder(c).setLastSeenAt(null).build()).toList())
                .build();
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(visible.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static List<ContactPoint> avroContactPoints(List<GuestContactPointEntity> rows, ContactKind kind,
                                                        Map<UUID, SourceProfileEntity> sourcesById, int maxSourceRefs,
                                                        int maxContactPoints) {
        return grouped(rows, kind).values().stream()
                .limit(maxContactPoints)
                .map(group -> {
                    GuestContactPointEntity first = group.get(0);
                    return ContactPoint.newBuilder()
                            .setValue(first.value)
                            .setType(first.type)
                            .setPrimary(first.primary)
                            .setSources(sourcesById.values().stream()
                                    .filter(s -> group.stream().anyMatch(r -> r.sourceProfileId.equals(s.id)))
                                    .limit(maxSourceRefs).map(GuestMapper::sourceRef).toList())
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
                .sorted(Comparator.comparing((GuestContactPointEntity r) -> !r.primary)
                        .thenComparing(r -> r.notForMarketing != null).thenComparing(r -> r.value))
                .forEach(r -> byValue.computeIfAbsent(r.value, v -> new ArrayList<>()).add(r));
        return byValue;
    }

    /** Every stored field of a source profile (the GDPR access export), by column meaning. */
    public static Map<String, Object> allFields(SourceProfileEntity s) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("pmsSystem", s.pmsSystem);
        f.put("pmsProfileId", s.pmsProfileId);
        f.put("hotelCode", s.hotelCode);
        f.put("changeType", s.changeType);
        f.put("mergedIntoPmsProfileId", s.mergedIntoPmsProfileId);
        f.put("profileType", s.profileType);
        f.put("title", s.title);
        f.put("firstName", s.firstName);
        f.put("middleName", s.middleName);
        f.put("lastName", s.lastName);
        f.put("birthDate", s.birthDate);
        f.put("gender", s.gender);
        f.put("language", s.language);
        f.put("nationality", s.nationality);
        f.put("companyName", s.companyName);
        f.put("loyaltyProgram", s.loyaltyProgram);
        f.put("loyaltyNumber", s.loyaltyNumber);
        f.put("postalCode", s.postalCode);
        f.put("city", s.city);
        f.put("street", s.street);
        f.put("countryCode", s.countryCode);
        f.put("documentType", s.documentType);
        f.put("documentNumber", s.documentNumber);
        f.put("emails", s.emails);
        f.put("phones", s.phones);
        f.put("preferences", s.preferences);
        Map<String, Object> match = new LinkedHashMap<>();
        match.put("givenName", s.matchGivenName);
        match.put("surname", s.matchSurname);
        match.put("birthDate", s.matchBirthDate);
        match.put("postcode", s.matchPostcode);
        match.put("city", s.matchCity);
        match.put("street", s.matchStreet);
        match.put("email", s.matchEmail);
        match.put("phone", s.matchPhone);
        match.put("document", s.matchDocument);
        match.put("loyalty", s.matchLoyalty);
        f.put("matchFeatures", match);
        f.put("pmsSequence", s.pmsSequence);
        f.put("pmsUpdatedAt", s.pmsUpdatedAt);
        f.put("occurredAt", s.occurredAt);
        f.put("receivedAt", s.receivedAt);
        return f;
    }

    /** Every stored field of a stay (the GDPR access export). */
    public static Map<String, Object> allFields(org.guestcrm.profile.persistence.StayEntity s) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("hotelCode", s.hotelCode);
        f.put("pmsReservationId", s.pmsReservationId);
        f.put("pmsSystem", s.pmsSystem);
        f.put("pmsProfileId", s.pmsProfileId);
        f.put("status", s.status);
        f.put("arrival", s.arrival);
        f.put("departure", s.departure);
        f.put("amount", s.amount);
        f.put("currency", s.currency);
        f.put("channel", s.channel);
        f.put("history", s.history);
        f.put("pmsSequence", s.pmsSequence);
        f.put("pmsModifiedAt", s.pmsModifiedAt);
        f.put("occurredAt", s.occurredAt);
        return f;
    }

    /** The stays of a guest's source profiles as the summary needs them. */
    public static org.guestcrm.profile.domain.StaySummary staySummary(List<org.guestcrm.profile.persistence.StayEntity> stays) {
        return org.guestcrm.profile.domain.StaySummary.of(stays.stream()
                .map(s -> new org.guestcrm.profile.domain.StaySummary.Reservation(s.hotelCode, s.status, s.arrival,
                        s.departure, s.amount, s.currency, s.channel))
                .toList());
    }

    public static GuestDto toDto(GuestEntity guest, List<GuestContactPointEntity> contactPoints,
                                 List<SourceProfileEntity> sources, Map<UUID, java.time.Instant> linkedAt,
                                 List<MatchDecisionEntity> decisions, org.guestcrm.profile.domain.StaySummary stays) {
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
                guest.fieldSources == null ? Map.of() : guest.fieldSources,
                guest.preferences == null ? Map.of() : new java.util.TreeMap<>(guest.preferences),
                stays,
                guest.qualificationTier == null ? null
                        : new GuestDto.QualificationDto(guest.qualificationTier, guest.qualificationReason),
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
                    return new GuestDto.ContactPointDto(first.value, first.type, first.primary, first.notForMarketing,
                            group.stream().filter(r -> sourcesById.containsKey(r.sourceProfileId))
                                    .map(r -> {
                                        SourceProfileEntity s = sourcesById.get(r.sourceProfileId);
                                        return new GuestDto.ProvenanceDto(s.pmsSystem, s.pmsProfileId, s.hotelCode,
                                                r.sourceTrust, r.lastSeenAt);
                                    }).toList(),
                            group.stream().map(r -> r.lastSeenAt).max(Comparator.naturalOrder()).orElse(null));
                })
                .toList();
    }

    public static org.guestcrm.profile.api.ReviewDto toReviewDto(MatchDecisionEntity d, SourceProfileEntity source) {
        return new org.guestcrm.profile.api.ReviewDto(d.id, d.tenant, d.status, d.guestId, d.candidateGuestId,
                source == null ? null : new GuestDto.SourceRefDto(source.pmsSystem, source.pmsProfileId),
                d.score, d.modelVersion,
                d.evidence == null ? List.of() : d.evidence.stream()
                        .map(e -> new org.guestcrm.profile.api.ReviewDto.EvidenceDto(e.field(), e.level(), e.weight())).toList(),
                d.explanation, d.createdAt, d.decidedAt, d.reviewer);
    }
}

package org.guestcrm.connector.messaging;

import java.math.RoundingMode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

import org.guestcrm.connector.domain.Amount;
import org.guestcrm.connector.domain.GuestProfile;
import org.guestcrm.connector.domain.ProfileChange;
import org.guestcrm.connector.domain.ReservationCancellation;
import org.guestcrm.connector.domain.Reservation;
import org.guestcrm.events.EmailAddress;
import org.guestcrm.events.EventMetadata;
import org.guestcrm.events.ExtraService;
import org.guestcrm.events.GuestProfileChanged;
import org.guestcrm.events.Money;
import org.guestcrm.events.PhoneNumber;
import org.guestcrm.events.PmsMarketingFlags;
import org.guestcrm.events.PostalAddress;
import org.guestcrm.events.ProfileChangeType;
import org.guestcrm.events.ReservationChangeType;
import org.guestcrm.events.ReservationChanged;
import org.guestcrm.events.ReservationGuest;
import org.guestcrm.events.ReservationStatus;

/** The one place where domain reservations and guest profiles become Avro events (and their keys). */
public final class PmsEventMapper {

    /** Who and what an event comes from: the feed, its tenant, the inbound message. */
    public record Origin(String tenantId, String feedId, String correlationId, Instant receivedAt, String defaultCurrency,
                         String causationId, boolean replay) {
        /** A push: the correlation id is the inbound message id. */
        public Origin(String tenantId, String feedId, UUID messageId, Instant receivedAt, String defaultCurrency) {
            this(tenantId, feedId, messageId.toString(), receivedAt, defaultCurrency);
        }

        /** Correlation and causation are the same id (a push's message, an import, an export). */
        public Origin(String tenantId, String feedId, String correlationId, Instant receivedAt, String defaultCurrency) {
            this(tenantId, feedId, correlationId, receivedAt, defaultCurrency, null, false);
        }

        /**
         * A replay from the raw archive: correlation id = the archived message, causation {@code replay:<replayId>},
         * received at the message's original time, events marked history (state, never a trigger for guest mail).
         */
        public static Origin replay(String tenantId, String feedId, UUID messageId, Instant receivedAt,
                                    String defaultCurrency, UUID replayId) {
            return new Origin(tenantId, feedId, messageId.toString(), receivedAt, defaultCurrency,
                    REPLAY_CAUSATION_PREFIX + replayId, true);
        }

        /** A history import ({@code import:<jobId>}): its events are marked history and typed IMPORTED. */
        public boolean isHistory() {
            return correlationId.startsWith(HISTORY_CORRELATION_PREFIX);
        }
    }

    /**
     * Correlation id prefix of events from a history import ({@code import:<jobId>}); such events also carry
     * {@code metadata.history = true} and change type IMPORTED (the reservation's status keeps its state).
     */
    public static final String HISTORY_CORRELATION_PREFIX = "import:";

    /** Causation id prefix of events re-emitted by a replay of the raw archive ({@code replay:<replayId>}). */
    public static final String REPLAY_CAUSATION_PREFIX = "replay:";

    private static final EventMetadata NEUTRAL_METADATA = EventMetadata.newBuilder()
            .setEventId(new UUID(0, 0)).setEventType("").setOccurredAt(Instant.EPOCH).setSource("").setTenantId("")
            .setCorrelationId("").setCausationId(null).setSchemaVersion(1).build();

    private PmsEventMapper() {
    }

    /** The envelope every content hash is taken with (the neutral copy's metadata). */
    static EventMetadata neutralMetadata() {
        return NEUTRAL_METADATA;
    }

    public static String reservationKey(String tenantId, Reservation reservation) {
        return tenantId + ":" + reservation.hotelCode() + ":" + reservation.pmsReservationId();
    }

    public static String profileKey(String tenantId, String feedId, GuestProfile profile) {
        return tenantId + ":" + feedId + ":" + profile.pmsProfileId();
    }

    public static ReservationChanged toReservationChanged(Reservation reservation, UUID eventId, Origin origin) {
        Instant occurredAt = reservation.pmsModifiedAt() != null ? reservation.pmsModifiedAt() : origin.receivedAt();
        return ReservationChanged.newBuilder()
                .setMetadata(metadata(eventId, ReservationChanged.class, occurredAt, origin))
                .setChangeType(origin.isHistory() ? ReservationChangeType.IMPORTED
                        : ReservationChangeType.valueOf(reservation.changeType().name()))
                .setPmsSystem(origin.feedId())
                .setHotelCode(reservation.hotelCode())
                .setHotelName(reservation.hotelName())
                .setChainCode(reservation.chainCode())
                .setPmsReservationId(reservation.pmsReservationId())
                .setPmsSequence(reservation.pmsSequence())
                .setPmsModifiedAt(millis(reservation.pmsModifiedAt()))
                .setStatus(ReservationStatus.valueOf(reservation.status().name()))
                .setArrival(reservation.arrival())
                .setDeparture(reservation.departure())
                .setCreatedAt(millis(reservation.createdAt()))
                .setCancelledAt(millis(reservation.cancelledAt()))
                .setCancellationReason(reservation.cancellationReason())
                .setTotalAmount(money(reservation.totalAmount(), origin.defaultCurrency()))
                .setTotalAmountIncludesTax(reservation.totalAmountIncludesTax())
                .setSpend(null)
                .setOrigin(reservation.origin())
                .setChannel(reservation.channel())
                .setMarketSegment(reservation.marketSegment())
                .setSourceCode(reservation.sourceCode())
                .setRoomTypeCode(reservation.roomTypeCode())
                .setRoomNumber(reservation.roomNumber())
                .setRatePlanCode(reservation.ratePlanCode())
                .setAdults(reservation.adults())
                .setChildren(reservation.children())
                .setExtraServices(reservation.extraServices().stream()
                        .map(service -> ExtraService.newBuilder()
                                .setCode(service.code())
                                .setName(service.name())
                                .setQuantity(service.quantity())
                                .setServiceDate(service.serviceDate())
                                .setAmount(money(service.amount(), origin.defaultCurrency()))
                                .build())
                        .toList())
                .setGuests(reservation.guests().stream().map(PmsEventMapper::reservationGuest).toList())
                .setExternalReferences(new LinkedHashMap<>(reservation.externalReferences()))
                .setComments(List.copyOf(reservation.comments()))
                .build();
    }

    public static GuestProfileChanged toGuestProfileChanged(GuestProfile profile, Reservation reservation, UUID eventId,
                                                            Origin origin) {
        return toGuestProfileChanged(profile, reservation.hotelCode(), reservation.pmsModifiedAt(), eventId, origin);
    }

    public static GuestProfileChanged toGuestProfileChanged(GuestProfile profile, String hotelCode, Instant pmsModifiedAt,
                                                            UUID eventId, Origin origin) {
        Instant occurredAt = pmsModifiedAt != null ? pmsModifiedAt : origin.receivedAt();
        GuestProfile.MarketingFlags flags = profile.marketingFlags();
        return GuestProfileChanged.newBuilder()
                .setMetadata(metadata(eventId, GuestProfileChanged.class, occurredAt, origin))
                .setChangeType(origin.isHistory() ? ProfileChangeType.IMPORTED : ProfileChangeType.UPSERTED)
                .setPmsSystem(origin.feedId())
                .setPmsProfileId(profile.pmsProfileId())
                .setHotelCode(hotelCode)
                .setMergedIntoPmsProfileId(null)
                .setPmsSequence(null)
                .setProfileType(profile.profileType())
                .setTitle(profile.title())
                .setFirstName(profile.firstName())
                .setMiddleName(profile.middleName())
                .setLastName(profile.lastName())
                .setBirthDate(profile.birthDate())
                .setGender(profile.gender())
                .setLanguage(profile.language())
                .setNationality(profile.nationality())
                .setEmails(profile.emails().stream()
                        .map(email -> EmailAddress.newBuilder().setAddress(email.address()).setType(email.type())
                                .setPrimary(email.primary()).build())
                        .toList())
                .setPhones(profile.phones().stream()
                        .map(phone -> PhoneNumber.newBuilder().setNumber(phone.number()).setType(phone.type())
                                .setPrimary(phone.primary()).build())
                        .toList())
                .setAddresses(profile.addresses().stream()
                        .map(address -> PostalAddress.newBuilder()
                                .setType(address.type())
                                .setLines(List.copyOf(address.lines()))
                                .setCity(address.city())
                                .setPostalCode(address.postalCode())
                                .setStateProvince(address.stateProvince())
                                .setCountryCode(address.countryCode())
                                .setCountryName(address.countryName())
                                .setPrimary(address.primary())
                                .build())
                        .toList())
                .setIdentityDocument(null)
                .setLoyaltyProgram(profile.loyaltyProgram())
                .setLoyaltyNumber(profile.loyaltyNumber())
                .setCompanyName(profile.companyName())
                .setMarketingFlags(flags == null ? null : PmsMarketingFlags.newBuilder()
                        .setEmailOptIn(flags.emailOptIn())
                        .setSmsOptIn(flags.smsOptIn())
                        .setPostOptIn(flags.postOptIn())
                        .setPhoneOptIn(flags.phoneOptIn())
                        .setDoNotContact(flags.doNotContact())
                        .build())
                // key order (GuestProfile keeps them sorted): the content hash does not depend on the PMS's order
                .setPreferences(new java.util.LinkedHashMap<>(profile.preferences()))
                .setPmsUpdatedAt(millis(pmsModifiedAt))
                .build();
    }

    /** A profile sent on its own; a profile merged away is MERGED_INTO_OTHER naming the survivor. */
    public static GuestProfileChanged toGuestProfileChanged(ProfileChange change, UUID eventId, Origin origin) {
        GuestProfileChanged event = toGuestProfileChanged(change.profile(), (String) null, change.versionTime(), eventId,
                origin);
        GuestProfileChanged.Builder builder = GuestProfileChanged.newBuilder(event).setPmsSequence(change.pmsSequence());
        if (change.isMerge()) {
            builder.setChangeType(ProfileChangeType.MERGED_INTO_OTHER).setMergedIntoPmsProfileId(change.mergedInto());
        }
        return builder.build();
    }

    /**
     * A reservation's last emitted state, cancelled by a message that names it by id only: status and change type
     * CANCELLED, cancelledAt and pmsModifiedAt the message's time, the PMS's sequence and reason; the rest as held.
     */
    public static ReservationChanged cancelled(ReservationChanged last, ReservationCancellation cancellation, UUID eventId,
                                               Origin origin) {
        Instant at = cancellation.cancelledAt() != null ? cancellation.cancelledAt() : origin.receivedAt();
        return ReservationChanged.newBuilder(last)
                .setMetadata(metadata(eventId, ReservationChanged.class, at, origin))
                .setPmsSystem(origin.feedId())
                .setChangeType(ReservationChangeType.CANCELLED)
                .setStatus(ReservationStatus.CANCELLED)
                .setCancelledAt(millis(at))
                .setPmsModifiedAt(millis(at))
                .setPmsSequence(cancellation.pmsSequence())
                .setCancellationReason(cancellation.reason() != null ? cancellation.reason() : last.getCancellationReason())
                .build();
    }

    /**
     * The content hash held for a cancellation of a reservation not received yet: no event has that content, so
     * whatever state arrives later is compared by version only (older: stale; newer: emitted).
     */
    public static String unknownCancellationSha256(String aggregateId) {
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            return java.util.HexFormat.of().formatHex(digest.digest(
                    ("cancelled-before-received:" + aggregateId).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A reservation's state as stored in {@code aggregate_version.last_state} (Avro single-object encoding). */
    public static byte[] stateBytes(ReservationChanged event) {
        try {
            java.nio.ByteBuffer buffer = event.toByteBuffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a reservation state could not be encoded", e);
        }
    }

    /** The stored state, or null when it was written with a schema this build cannot read. */
    public static ReservationChanged fromStateBytes(byte[] bytes) {
        try {
            return ReservationChanged.fromByteBuffer(java.nio.ByteBuffer.wrap(bytes));
        } catch (java.io.IOException | org.apache.avro.AvroRuntimeException e) {
            return null;
        }
    }

    /**
     * SHA-256 of a reservation's canonical content: the event without its envelope (metadata) and its version fields
     * (pmsSequence, pmsModifiedAt, and cancelledAt, which an OTA cancel takes from the envelope's TimeStamp), the external
     * references in key order. Two deliveries of the same state hash alike whatever their EchoToken, TimeStamp or ids.
     */
    /** A profile's last emitted state as stored (Avro single-object encoding), for the write-back echo check. */
    public static byte[] stateBytes(GuestProfileChanged event) {
        try {
            java.nio.ByteBuffer buffer = event.toByteBuffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a profile state could not be encoded", e);
        }
    }

    /** A stored profile state, or null when it is not one this schema reads. */
    public static GuestProfileChanged profileFromStateBytes(byte[] bytes) {
        try {
            return GuestProfileChanged.fromByteBuffer(java.nio.ByteBuffer.wrap(bytes));
        } catch (java.io.IOException | org.apache.avro.AvroRuntimeException e) {
            return null;
        }
    }

    public static String contentSha256(ReservationChanged event) {
        // the neutral fields set on the event itself for the encoding and put back after: the bytes of a neutral copy
        // (what the hash always was), without deep-copying the event first (history import profile: the copy and its
        // encoding were half of the hashing)
        var metadata = event.getMetadata();
        var sequence = event.getPmsSequence();
        var modifiedAt = event.getPmsModifiedAt();
        var cancelledAt = event.getCancelledAt();
        var references = event.getExternalReferences();
        try {
            event.put("metadata", NEUTRAL_METADATA);
            event.put("pmsSequence", null);
            event.put("pmsModifiedAt", null);
            event.put("cancelledAt", null);
            event.put("externalReferences", new java.util.TreeMap<>(references));
            return sha256(event);
        } finally {
            event.put("metadata", metadata);
            event.put("pmsSequence", sequence);
            event.put("pmsModifiedAt", modifiedAt);
            event.put("cancelledAt", cancelledAt);
            event.put("externalReferences", references);
        }
    }

    /** SHA-256 of a profile's canonical content: without envelope, pmsSequence and pmsUpdatedAt. */
    public static String contentSha256(GuestProfileChanged event) {
        var metadata = event.getMetadata();
        var sequence = event.getPmsSequence();
        var updatedAt = event.getPmsUpdatedAt();
        var preferences = event.getPreferences();
        try {
            event.put("metadata", NEUTRAL_METADATA);
            event.put("pmsSequence", null);
            event.put("pmsUpdatedAt", null);
            event.put("preferences", new java.util.TreeMap<>(preferences));
            return sha256(event);
        } finally {
            event.put("metadata", metadata);
            event.put("pmsSequence", sequence);
            event.put("pmsUpdatedAt", updatedAt);
            event.put("preferences", preferences);
        }
    }

    private static String sha256(org.apache.avro.specific.SpecificRecordBase record) {
        try {
            java.nio.ByteBuffer bytes = record.getClass() == ReservationChanged.class
                    ? ((ReservationChanged) record).toByteBuffer() : ((GuestProfileChanged) record).toByteBuffer();
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            digest.update(bytes);
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("canonical content could not be hashed", e);
        }
    }

    private static ReservationGuest reservationGuest(GuestProfile guest) {
        return ReservationGuest.newBuilder()
                .setPmsProfileId(guest.pmsProfileId())
                .setPrimary(guest.primary())
                .setTitle(guest.title())
                .setFirstName(guest.firstName())
                .setLastName(guest.lastName())
                .setEmail(guest.primaryEmail())
                .setPhone(guest.primaryPhone())
                .setLanguage(guest.language())
                .build();
    }

    private static EventMetadata metadata(UUID eventId, Class<?> recordType, Instant occurredAt, Origin origin) {
        return EventMetadata.newBuilder()
                .setEventId(eventId)
                .setEventType(recordType.getSimpleName())
                .setOccurredAt(millis(occurredAt))
                .setSource(origin.feedId())
                .setTenantId(origin.tenantId())
                .setCorrelationId(origin.correlationId())
                .setCausationId(origin.causationId() != null ? origin.causationId() : origin.correlationId())
                .setSchemaVersion(1)
                .setHistory(origin.isHistory() || origin.replay())
                .build();
    }

    /** The same event under another event id (a replay's re-emission must not carry the id consumers already saw). */
    public static org.apache.avro.specific.SpecificRecord withEventId(org.apache.avro.specific.SpecificRecord record,
                                                                      UUID eventId) {
        if (record instanceof ReservationChanged reservation) {
            return ReservationChanged.newBuilder(reservation)
                    .setMetadata(EventMetadata.newBuilder(reservation.getMetadata()).setEventId(eventId).build()).build();
        }
        if (record instanceof GuestProfileChanged profile) {
            return GuestProfileChanged.newBuilder(profile)
                    .setMetadata(EventMetadata.newBuilder(profile.getMetadata()).setEventId(eventId).build()).build();
        }
        throw new IllegalArgumentException("not an event of the connector: " + record.getClass().getSimpleName());
    }

    /** Money carries scale 4; an amount without a currency gets the feed's default currency. */
    private static Money money(Amount amount, String defaultCurrency) {
        if (amount == null) {
            return null;
        }
        return Money.newBuilder()
                .setAmount(amount.value().setScale(4, RoundingMode.HALF_UP))
                .setCurrency(amount.currency() != null ? amount.currency() : defaultCurrency)
                .build();
    }

    /** timestamp-millis fields hold millisecond precision; truncate so the record round-trips unchanged. */
    private static Instant millis(Instant instant) {
        return instant == null ? null : Instant.ofEpochMilli(instant.toEpochMilli());
    }
}

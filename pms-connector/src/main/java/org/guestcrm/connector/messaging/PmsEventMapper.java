package org.guestcrm.connector.messaging;

import java.math.RoundingMode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

import org.guestcrm.connector.domain.Amount;
import org.guestcrm.connector.domain.GuestProfile;
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
    public record Origin(String tenantId, String feedId, UUID messageId, Instant receivedAt, String defaultCurrency) {
    }

    private PmsEventMapper() {
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
                .setChangeType(ReservationChangeType.valueOf(reservation.changeType().name()))
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
        Instant occurredAt = reservation.pmsModifiedAt() != null ? reservation.pmsModifiedAt() : origin.receivedAt();
        GuestProfile.MarketingFlags flags = profile.marketingFlags();
        return GuestProfileChanged.newBuilder()
                .setMetadata(metadata(eventId, GuestProfileChanged.class, occurredAt, origin))
                .setChangeType(ProfileChangeType.UPSERTED)
                .setPmsSystem(origin.feedId())
                .setPmsProfileId(profile.pmsProfileId())
                .setHotelCode(reservation.hotelCode())
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
                .setPmsUpdatedAt(millis(reservation.pmsModifiedAt()))
                .build();
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
                .setCorrelationId(origin.messageId().toString())
                .setCausationId(origin.messageId().toString())
                .setSchemaVersion(1)
                .build();
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

package org.guestcrm.connector.api;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.guestcrm.connector.domain.ReservationChangeType;
import org.guestcrm.connector.domain.ReservationStatus;

/**
 * The canonical JSON form of a reservation pushed to a CANONICAL_JSON feed
 * ({@code POST /api/v1/feeds/{feedId}/reservations}). Dates are ISO 8601; amounts are decimals with
 * an ISO 4217 currency. There is deliberately no field for payment data: unknown fields are ignored
 * and never stored.
 */
public record CanonicalReservation(
        @NotBlank String hotelCode,
        String hotelName,
        String chainCode,
        @NotBlank String pmsReservationId,
        @NotNull ReservationStatus status,
        ReservationChangeType changeType,
        @NotNull LocalDate arrival,
        @NotNull LocalDate departure,
        @PositiveOrZero Long pmsSequence,
        OffsetDateTime pmsModifiedAt,
        OffsetDateTime createdAt,
        OffsetDateTime cancelledAt,
        String cancellationReason,
        @Valid MoneyDto totalAmount,
        Boolean totalAmountIncludesTax,
        String origin,
        String channel,
        String marketSegment,
        String sourceCode,
        String ratePlanCode,
        String roomTypeCode,
        String roomNumber,
        @PositiveOrZero Integer adults,
        @PositiveOrZero Integer children,
        List<String> comments,
        List<@Valid ExtraServiceDto> extraServices,
        Map<String, String> externalReferences,
        List<@Valid GuestDto> guests) {

    /**
     * departure >= arrival (a day use has arrival = departure); reported on {@code departure}. Not named
     * {@code isDeparture}: Jackson took that for the getter of {@code departure} and wrote {@code "departure": true}
     * into the raw archive instead of the date.
     */
    @AssertTrue(message = "must not be before arrival")
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isStayInOrder() {
        return arrival == null || departure == null || !departure.isBefore(arrival);
    }

    public record MoneyDto(@NotNull BigDecimal amount, @NotNull @Pattern(regexp = "[A-Z]{3}") String currency) {
    }

    public record ExtraServiceDto(@NotBlank String code, String name, @PositiveOrZero Integer quantity,
                                  LocalDate serviceDate, @Valid MoneyDto amount) {
    }

    public record GuestDto(
            @NotBlank String pmsProfileId,
            Boolean primary,
            String profileType,
            String title,
            String firstName,
            String middleName,
            String lastName,
            @Schema(description = "yyyy-MM-dd; an impossible date is dropped with a warning", examples = "1985-04-12") String birthDate,
            String gender,
            String language,
            @Schema(description = "ISO 3166-1 alpha-2; another value is dropped with a warning") String nationality,
            @Schema(description = "E-mail addresses; a malformed one is dropped with a warning") List<String> emails,
            @Schema(description = "Phone numbers; a malformed one is dropped with a warning") List<String> phones,
            List<@Valid AddressDto> addresses,
            String loyaltyProgram,
            String loyaltyNumber,
            String companyName,
            Boolean emailOptIn,
            Boolean smsOptIn,
            Boolean postOptIn,
            Boolean phoneOptIn,
            Boolean doNotContact,
            @Schema(description = "Standing preferences and interests the PMS keeps on the profile: key = a category with "
                    + "an optional code (1 to 100 letters, digits, spaces or _ : . / + -), value = text (1 to 500 "
                    + "characters); at most 50; every value must be a string (a number, object or null is a 400 naming "
                    + "the field); never payment data",
                    examples = "{\"ROOM\": \"high floor, away from the lift\", \"DIET\": \"vegetarian\", "
                            + "\"INTEREST:golf\": \"plays golf\"}")
            @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = PreferencesDeserializer.class)
            Map<String, String> preferences) {
    }

    public record AddressDto(String type, List<String> lines, String city, String postalCode, String stateProvince,
                             String countryCode, String countryName) {
    }
}

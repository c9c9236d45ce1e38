package org.guestcrm.connector.ota.mapping;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.guestcrm.connector.domain.CanonicalLimits;
import org.guestcrm.connector.domain.FieldWarning;
import org.guestcrm.connector.domain.GuestProfile;
import org.guestcrm.connector.domain.OptionalFields;
import org.guestcrm.connector.domain.ProfileChange;
import org.guestcrm.connector.ota.OtaCodeTables;
import org.guestcrm.connector.ota.OtaEnvelope;
import org.guestcrm.connector.ota.OtaMessageType;
import org.guestcrm.connector.ota.OtaRejection;
import org.guestcrm.connector.ota.OtaRejection.Kind;
import org.guestcrm.connector.ota.OtaUniqueId;
import org.guestcrm.connector.ota.ParsedProfileMessage;
import org.guestcrm.connector.ota.binding.OtaElements;
import org.guestcrm.connector.ota.binding.ProfileRequest;
import org.guestcrm.connector.ota.rules.OtaEnvelopeRules;
import org.guestcrm.connector.ota.rules.ProfileRules;

/**
 * OTA_ProfileCreateRQ / OTA_ProfileModifyRQ / OTA_ProfileMergeRQ to domain {@link ProfileChange}s.
 * <ul>
 * <li>Create and Modify carry the profile's state after the change (a Modify is read as the full state, not a
 * delta); the profile id is the root UniqueID (UIT 21 profile or 1 customer preferred).</li>
 * <li>Merge: the root UniqueID survives, every ObsoleteProfileID becomes a MERGED_INTO_OTHER change naming it; the
 * Profile, when sent, is the survivor's state after the merge.</li>
 * </ul>
 * A malformed optional value (e-mail, phone, birth date, language, country) is dropped with a warning naming where it
 * was; the limits of {@link CanonicalLimits} are a rejection.
 */
public final class OtaProfileMapping {

    private static final List<String> PROFILE_ID_TYPES = List.of("21", "1");

    public ParsedProfileMessage map(OtaMessageType type, ProfileRequest request, String cardFreeXml) {
        return map(type, request, cardFreeXml, null);
    }

    /**
     * @param profileElement the root's {@code Profile} element of the (already hardened) DOM, read for its
     *                       PrefCollections ({@link OtaPreferences}: an open set of *Pref elements a data class would
     *                       have to list one by one); null reads no preferences
     */
    public ParsedProfileMessage map(OtaMessageType type, ProfileRequest request, String cardFreeXml,
                                    org.w3c.dom.Element profileElement) {
        OtaEnvelope envelope = new OtaEnvelope(type, request.echoToken, request.timeStamp, request.version);
        try {
            String root = type.requestRoot;
            Instant timeStamp = OtaEnvelopeRules.timestamp(request.timeStamp, root + "@TimeStamp");
            Long sequence = OtaEnvelopeRules.sequence(request.sequenceNmbr, root + "@SequenceNmbr");
            boolean retransmission = OtaEnvelopeRules.retransmission(request.retransmissionIndicator,
                    root + "@RetransmissionIndicator");
            OtaUniqueId id = OtaEnvelopeRules.requiredId(request.uniqueIds, PROFILE_ID_TYPES, CanonicalLimits.PMS_PROFILE_ID,
                    "UniqueID");
            List<FieldWarning> warnings = new ArrayList<>();
            List<ProfileChange> changes = new ArrayList<>();
            Instant versionTime = timeStamp;
            if (request.profile != null) {
                Instant modified = OtaEnvelopeRules.timestamp(request.profile.lastModifyDateTime, "Profile@LastModifyDateTime");
                versionTime = modified != null ? modified : timeStamp;
            }
            if (type == OtaMessageType.PROFILE_MERGE) {
                List<String> obsolete = new ArrayList<>();
                if (request.obsoleteProfileIds != null) {
                    for (OtaElements.UniqueId obsoleteId : request.obsoleteProfileIds) {
                        if (obsoleteId == null || obsoleteId.id == null || obsoleteId.id.isBlank()) {
                            throw new OtaRejection(Kind.MISSING, "ObsoleteProfileID@ID is required");
                        }
                        if (obsoleteId.id.trim().length() > CanonicalLimits.PMS_PROFILE_ID) {
                            throw new OtaRejection(Kind.INVALID_VALUE, "ObsoleteProfileID@ID is longer than "
                                    + CanonicalLimits.PMS_PROFILE_ID + " characters");
                        }
                        obsolete.add(obsoleteId.id.trim());
                    }
                }
                ProfileRules.checkMerge(id.id(), obsolete);
                for (String obsoleteId : obsolete.stream().distinct().toList()) {
                    changes.add(new ProfileChange(ProfileChange.obsolete(obsoleteId), id.id(), versionTime, sequence));
                }
            } else if (request.profile == null) {
                throw new OtaRejection(Kind.MISSING, "Profile is required");
            }
            if (request.profile != null) {
                GuestProfile profile = profile(id.id(), request.profile, "Profile", warnings)
                        .withPreferences(OtaPreferences.read(profileElement, "Profile", warnings));
                ProfileRules.checkLimits(profile, "Profile");
                changes.add(new ProfileChange(profile, null, versionTime, sequence));
            }
            return new ParsedProfileMessage(envelope, List.copyOf(changes), id, retransmission, cardFreeXml,
                    List.copyOf(warnings));
        } catch (OtaRejection rejection) {
            throw rejection.withEnvelope(envelope);
        }
    }

    /** One OTA Profile (Customer, CompanyInfo) as a domain profile; malformed optional values dropped with warnings. */
    static GuestProfile profile(String profileId, OtaElements.Profile profile, String where, List<FieldWarning> warnings) {
        OtaElements.Customer customer = profile.customer != null ? profile.customer : new OtaElements.Customer();
        String at = where + "/Customer";
        OtaElements.PersonName name = customer.personName;
        List<String> givenNames = name == null || name.givenNames == null ? List.of()
                : name.givenNames.stream().map(OtaProfileMapping::trimmed).filter(s -> s != null).toList();
        String middleName = name == null ? null : trimmed(name.middleName);
        if (middleName == null && givenNames.size() > 1) {
            middleName = String.join(" ", givenNames.subList(1, givenNames.size()));
        }

        List<GuestProfile.Email> emails = new ArrayList<>();
        Boolean emailOptIn = null;
        for (OtaElements.Email email : listOf(customer.emails)) {
            String address = trimmed(email.address);
            if (address == null) {
                continue;
            }
            if (!OptionalFields.isEmail(address)) {
                OptionalFields.dropped(warnings, "email", at + "/Email", "is not an e-mail address");
                continue;
            }
            emails.add(new GuestProfile.Email(address, trimmed(email.emailType), yes(email.defaultInd)));
            emailOptIn = emailOptIn != null ? emailOptIn : yesNo(email.shareMarketInd);
        }

        List<GuestProfile.Phone> phones = new ArrayList<>();
        Boolean phoneOptIn = null;
        Boolean smsOptIn = null;
        for (OtaElements.Telephone telephone : listOf(customer.telephones)) {
            String number = phoneNumber(telephone);
            if (number == null) {
                continue;
            }
            if (!OptionalFields.isPhone(number)) {
                OptionalFields.dropped(warnings, "phone", at + "/Telephone@PhoneNumber", "is not a phone number");
                continue;
            }
            String techType = trimmed(telephone.phoneTechType);
            String type = techType == null ? null : OtaCodeTables.PHONE_TECH_TYPES.getOrDefault(techType, "PTT:" + techType);
            phones.add(new GuestProfile.Phone(number, type, yes(telephone.defaultInd)));
            Boolean share = yesNo(telephone.shareMarketInd);
            if ("MOBILE".equals(type)) {
                smsOptIn = smsOptIn != null ? smsOptIn : share;
            } else {
                phoneOptIn = phoneOptIn != null ? phoneOptIn : share;
            }
        }

        List<GuestProfile.Address> addresses = new ArrayList<>();
        Boolean postOptIn = null;
        for (OtaElements.Address address : listOf(customer.addresses)) {
            List<String> lines = new ArrayList<>();
            if (trimmed(address.streetNmbr) != null) {
                lines.add(trimmed(address.streetNmbr));
            }
            listOf(address.addressLines).stream().map(OtaProfileMapping::trimmed).filter(s -> s != null).forEach(lines::add);
            OtaElements.CountryName country = address.countryName;
            String countryCode = country == null ? null
                    : countryCode(country.code, at + "/Address/CountryName@Code", warnings);
            OtaElements.StateProv state = address.stateProv;
            addresses.add(new GuestProfile.Address(
                    trimmed(address.type != null ? address.type : address.useType),
                    lines,
                    trimmed(address.cityName),
                    trimmed(address.postalCode),
                    state == null ? null : trimmed(state.name) != null ? trimmed(state.name) : trimmed(state.stateCode),
                    countryCode,
                    country == null ? null : trimmed(country.name),
                    yes(address.defaultInd)));
            postOptIn = postOptIn != null ? postOptIn : yesNo(address.shareMarketInd);
        }

        Boolean shareAll = yesNo(profile.shareAllMarketInd);
        GuestProfile.MarketingFlags flags = new GuestProfile.MarketingFlags(
                emailOptIn != null ? emailOptIn : shareAll,
                smsOptIn != null ? smsOptIn : shareAll,
                postOptIn != null ? postOptIn : shareAll,
                phoneOptIn != null ? phoneOptIn : shareAll,
                yesNo(profile.shareAllOptOutInd));

        String nationality = customer.citizenCountryName == null ? null
                : countryCode(customer.citizenCountryName.code, at + "/CitizenCountryName@Code", warnings);
        String language = trimmed(customer.language);
        if (language != null && !OptionalFields.isLanguage(language)) {
            OptionalFields.dropped(warnings, "language", at + "@Language", "is not a language tag (BCP 47)");
            language = null;
        }
        String birthDateText = trimmed(customer.birthDate);
        LocalDate birthDate = OptionalFields.date(birthDateText);
        if (birthDateText != null && birthDate == null) {
            OptionalFields.dropped(warnings, "birthDate", at + "@BirthDate", "is not a date (yyyy-MM-dd, "
                    + CanonicalLimits.EARLIEST_DATE + " to " + CanonicalLimits.LATEST_DATE + ")");
        }
        OtaElements.CustLoyalty loyalty = listOf(customer.custLoyalty).stream().findFirst().orElse(null);
        String profileType = trimmed(profile.profileType);
        String companyName = profile.companyInfo == null || profile.companyInfo.companyName == null ? null
                : trimmed(profile.companyInfo.companyName.name);

        return new GuestProfile(
                profileId,
                false,
                true,
                profileType == null ? null : OtaCodeTables.PROFILE_TYPES.getOrDefault(profileType, "PRT:" + profileType),
                name == null ? null : trimmed(name.namePrefix),
                givenNames.isEmpty() ? null : givenNames.getFirst(),
                middleName,
                name == null ? null : trimmed(name.surname),
                birthDate,
                trimmed(customer.gender),
                language,
                nationality,
                emails,
                phones,
                addresses,
                loyalty == null ? null : trimmed(loyalty.programId),
                loyalty == null ? null : trimmed(loyalty.membershipId),
                companyName,
                flags.isEmpty() ? null : flags);
    }

    /** PhoneNumber, prefixed by +CountryAccessCode and AreaCityCode when the PMS splits the number. */
    private static String phoneNumber(OtaElements.Telephone telephone) {
        String number = trimmed(telephone.phoneNumber);
        if (number == null) {
            return null;
        }
        String country = trimmed(telephone.countryAccessCode);
        String area = trimmed(telephone.areaCityCode);
        if (country == null && area == null) {
            return number;
        }
        StringBuilder full = new StringBuilder();
        if (country != null) {
            full.append(country.startsWith("+") ? country : "+" + country).append(' ');
        }
        if (area != null) {
            full.append(area).append(' ');
        }
        return full.append(number).toString();
    }

    private static String countryCode(String value, String location, List<FieldWarning> warnings) {
        String text = trimmed(value);
        if (text == null) {
            return null;
        }
        String code = OptionalFields.countryCode(text);
        if (code == null) {
            OptionalFields.dropped(warnings, "countryCode", location, "is not an ISO 3166 country code");
        }
        return code;
    }

    private static <T> List<T> listOf(List<T> list) {
        return list == null ? List.of() : list.stream().filter(e -> e != null).toList();
    }

    private static String trimmed(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.strip();
        return trimmed.isEmpty() ? null : trimmed;
    }

    private static boolean yes(String value) {
        return Boolean.TRUE.equals(yesNo(value));
    }

    private static Boolean yesNo(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "yes", "true", "1" -> Boolean.TRUE;
            case "no", "false", "0" -> Boolean.FALSE;
            default -> null;
        };
    }
}

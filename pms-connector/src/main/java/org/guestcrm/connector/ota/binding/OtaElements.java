package org.guestcrm.connector.ota.binding;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlText;

/**
 * Data classes for the OpenTravel elements the connector reads from profile and cancel messages (OTA 2003/05
 * namespace, matched by local name). Only what is mapped is bound: every other element or attribute is ignored, so a
 * PMS's extensions (TPA_Extensions) or newer OTA versions never make a message fail. Every value is kept as text: the
 * mapping decides what is valid, so a malformed optional value is a warning, never a binding failure.
 */
public final class OtaElements {

    private OtaElements() {
    }

    /** UniqueID / ObsoleteProfileID: {@code Type} (UIT code: 1 customer, 14 reservation, 21 profile), {@code ID}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class UniqueId {
        @JacksonXmlProperty(isAttribute = true, localName = "Type")
        public String type;
        @JacksonXmlProperty(isAttribute = true, localName = "ID")
        public String id;
        @JacksonXmlProperty(isAttribute = true, localName = "ID_Context")
        public String idContext;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Profile {
        @JacksonXmlProperty(isAttribute = true, localName = "ProfileType")
        public String profileType;
        @JacksonXmlProperty(isAttribute = true, localName = "ShareAllMarketInd")
        public String shareAllMarketInd;
        @JacksonXmlProperty(isAttribute = true, localName = "ShareAllOptOutInd")
        public String shareAllOptOutInd;
        @JacksonXmlProperty(isAttribute = true, localName = "LastModifyDateTime")
        public String lastModifyDateTime;
        @JacksonXmlProperty(localName = "Customer")
        public Customer customer;
        @JacksonXmlProperty(localName = "CompanyInfo")
        public CompanyInfo companyInfo;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Customer {
        @JacksonXmlProperty(isAttribute = true, localName = "Gender")
        public String gender;
        @JacksonXmlProperty(isAttribute = true, localName = "BirthDate")
        public String birthDate;
        @JacksonXmlProperty(isAttribute = true, localName = "Language")
        public String language;
        @JacksonXmlProperty(localName = "PersonName")
        public PersonName personName;
        @JacksonXmlElementWrapper(useWrapping = false)
        @JacksonXmlProperty(localName = "Telephone")
        public List<Telephone> telephones;
        @JacksonXmlElementWrapper(useWrapping = false)
        @JacksonXmlProperty(localName = "Email")
        public List<Email> emails;
        @JacksonXmlElementWrapper(useWrapping = false)
        @JacksonXmlProperty(localName = "Address")
        public List<Address> addresses;
        @JacksonXmlProperty(localName = "CitizenCountryName")
        public CountryName citizenCountryName;
        @JacksonXmlElementWrapper(useWrapping = false)
        @JacksonXmlProperty(localName = "CustLoyalty")
        public List<CustLoyalty> custLoyalty;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class PersonName {
        @JacksonXmlProperty(localName = "NamePrefix")
        public String namePrefix;
        @JacksonXmlElementWrapper(useWrapping = false)
        @JacksonXmlProperty(localName = "GivenName")
        public List<String> givenNames;
        @JacksonXmlProperty(localName = "MiddleName")
        public String middleName;
        @JacksonXmlProperty(localName = "Surname")
        public String surname;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Telephone {
        @JacksonXmlProperty(isAttribute = true, localName = "PhoneTechType")
        public String phoneTechType;
        @JacksonXmlProperty(isAttribute = true, localName = "CountryAccessCode")
        public String countryAccessCode;
        @JacksonXmlProperty(isAttribute = true, localName = "AreaCityCode")
        public String areaCityCode;
        @JacksonXmlProperty(isAttribute = true, localName = "PhoneNumber")
        public String phoneNumber;
        @JacksonXmlProperty(isAttribute = true, localName = "DefaultInd")
        public String defaultInd;
        @JacksonXmlProperty(isAttribute = true, localName = "ShareMarketInd")
        public String shareMarketInd;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Email {
        @JacksonXmlProperty(isAttribute = true, localName = "EmailType")
        public String emailType;
        @JacksonXmlProperty(isAttribute = true, localName = "DefaultInd")
        public String defaultInd;
        @JacksonXmlProperty(isAttribute = true, localName = "ShareMarketInd")
        public String shareMarketInd;
        @JacksonXmlText
        public String address;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Address {
        @JacksonXmlProperty(isAttribute = true, localName = "Type")
        public String type;
        @JacksonXmlProperty(isAttribute = true, localName = "UseType")
        public String useType;
        @JacksonXmlProperty(isAttribute = true, localName = "DefaultInd")
        public String defaultInd;
        @JacksonXmlProperty(isAttribute = true, localName = "ShareMarketInd")
        public String shareMarketInd;
        @JacksonXmlProperty(localName = "StreetNmbr")
        public String streetNmbr;
        @JacksonXmlElementWrapper(useWrapping = false)
        @JacksonXmlProperty(localName = "AddressLine")
        public List<String> addressLines;
        @JacksonXmlProperty(localName = "CityName")
        public String cityName;
        @JacksonXmlProperty(localName = "PostalCode")
        public String postalCode;
        @JacksonXmlProperty(localName = "StateProv")
        public StateProv stateProv;
        @JacksonXmlProperty(localName = "CountryName")
        public CountryName countryName;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class StateProv {
        @JacksonXmlProperty(isAttribute = true, localName = "StateCode")
        public String stateCode;
        @JacksonXmlText
        public String name;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class CountryName {
        @JacksonXmlProperty(isAttribute = true, localName = "Code")
        public String code;
        @JacksonXmlText
        public String name;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class CustLoyalty {
        @JacksonXmlProperty(isAttribute = true, localName = "ProgramID")
        public String programId;
        @JacksonXmlProperty(isAttribute = true, localName = "MembershipID")
        public String membershipId;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class CompanyInfo {
        @JacksonXmlProperty(localName = "CompanyName")
        public CompanyName companyName;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class CompanyName {
        @JacksonXmlText
        public String name;
    }
}

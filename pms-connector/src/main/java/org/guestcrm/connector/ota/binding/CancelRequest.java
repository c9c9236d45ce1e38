package org.guestcrm.connector.ota.binding;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlText;

/**
 * OTA_CancelRQ: the reservation's UniqueID(s), the CancelType, optional reasons and the hotel the reservation belongs
 * to where the PMS names it ({@code Verification/Vendor@Code}, or a {@code BasicPropertyInfo@HotelCode} under
 * {@code Verification/TPA_Extensions}). Verification's PaymentCard and personal details are never bound.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public class CancelRequest extends RequestEnvelope {
    @JacksonXmlProperty(isAttribute = true, localName = "CancelType")
    public String cancelType;
    @JacksonXmlElementWrapper(useWrapping = false)
    @JacksonXmlProperty(localName = "UniqueID")
    public List<OtaElements.UniqueId> uniqueIds;
    @JacksonXmlProperty(localName = "Verification")
    public Verification verification;
    @JacksonXmlProperty(localName = "Reasons")
    public Reasons reasons;

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Verification {
        @JacksonXmlProperty(localName = "Vendor")
        public Vendor vendor;
        @JacksonXmlProperty(localName = "TPA_Extensions")
        public Extensions extensions;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Vendor {
        @JacksonXmlProperty(isAttribute = true, localName = "Code")
        public String code;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Extensions {
        @JacksonXmlProperty(localName = "BasicPropertyInfo")
        public BasicPropertyInfo basicPropertyInfo;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class BasicPropertyInfo {
        @JacksonXmlProperty(isAttribute = true, localName = "HotelCode")
        public String hotelCode;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Reasons {
        @JacksonXmlElementWrapper(useWrapping = false)
        @JacksonXmlProperty(localName = "Reason")
        public List<Reason> reasons;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Reason {
        @JacksonXmlText
        public String text;
    }
}

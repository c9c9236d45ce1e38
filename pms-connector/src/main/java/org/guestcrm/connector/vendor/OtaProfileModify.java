package org.guestcrm.connector.vendor;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.UUID;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.guestcrm.connector.domain.ContactWrite;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The OpenTravel write-back: an {@code OTA_ProfileModifyRQ} holding only what the write changes, in the shape the
 * connector itself reads ({@code UniqueID Type="1"} = the PMS profile id, {@code Profile/Customer}: {@code @Language},
 * {@code PersonName/GivenName|Surname}, {@code Telephone@PhoneNumber}, {@code Email}, {@code Address}); the marketing
 * flags as OpenTravel carries them: {@code @ShareMarketInd} (Yes/No) on the e-mail, telephone and address written with
 * them, {@code Profile@ShareAllOptOutInd} for "do not contact". {@code EchoToken} = the event id, so a PMS that
 * deduplicates by EchoToken takes a resend once. And the reading of its {@code OTA_ProfileModifyRS}.
 */
public final class OtaProfileModify {

    static final String OTA_NAMESPACE = "http://www.opentravel.org/OTA/2003/05";

    private OtaProfileModify() {
    }

    public static String request(String pmsProfileId, UUID eventId, Instant now, ContactWrite w) {
        ContactWrite.MarketingFlags flags = w.marketingFlags();
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OTA_ProfileModifyRQ xmlns=\"")
                .append(OTA_NAMESPACE).append("\" EchoToken=\"").append(eventId).append("\" TimeStamp=\"").append(now)
                .append("\" Version=\"1.000\">");
        xml.append("<UniqueID Type=\"1\" ID=\"").append(OtaPollClient.escape(pmsProfileId)).append("\"/>");
        xml.append("<Profile");
        if (flags != null && flags.doNotContact() != null) {
            xml.append(" ShareAllOptOutInd=\"").append(yesNo(flags.doNotContact())).append('"');
        }
        xml.append("><Customer");
        if (w.language() != null) {
            xml.append(" Language=\"").append(OtaPollClient.escape(w.language())).append('"');
        }
        xml.append('>');
        if (w.firstName() != null || w.lastName() != null) {
            xml.append("<PersonName>");
            text(xml, "GivenName", w.firstName());
            text(xml, "Surname", w.lastName());
            xml.append("</PersonName>");
        }
        if (w.phones() != null && !w.phones().isEmpty()) {
            xml.append("<Telephone PhoneNumber=\"").append(OtaPollClient.escape(w.phones().getFirst())).append('"');
            share(xml, flags == null ? null : flags.phoneOptIn());
            xml.append("/>");
        }
        if (w.emails() != null && !w.emails().isEmpty()) {
            xml.append("<Email");
            share(xml, flags == null ? null : flags.emailOptIn());
            xml.append('>').append(OtaPollClient.escape(w.emails().getFirst())).append("</Email>");
        }
        if (w.address() != null) {
            xml.append("<Address");
            share(xml, flags == null ? null : flags.postOptIn());
            xml.append('>');
            for (String line : w.address().lines()) {
                text(xml, "AddressLine", line);
            }
            text(xml, "CityName", w.address().city());
            text(xml, "PostalCode", w.address().postalCode());
            if (w.address().countryCode() != null) {
                xml.append("<CountryName Code=\"").append(OtaPollClient.escape(w.address().countryCode())).append("\"/>");
            }
            xml.append("</Address>");
        }
        return xml.append("</Customer></Profile></OTA_ProfileModifyRQ>").toString();
    }

    /**
     * Null when the answer is an {@code OTA_ProfileModifyRS} with {@code <Success/>}; otherwise the refusal named by
     * Type/Code of its first {@code Error} (never its text), or what was wrong with the answer.
     */
    public static String refusal(byte[] body) {
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            var builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            document = builder.parse(new ByteArrayInputStream(body));
        } catch (Exception e) {
            return "(no readable XML)";
        }
        Element root = document.getDocumentElement();
        if (!"OTA_ProfileModifyRS".equals(root.getLocalName())) {
            return "(root " + root.getLocalName() + " instead of OTA_ProfileModifyRS)";
        }
        NodeList errors = root.getElementsByTagNameNS("*", "Error");
        if (errors.getLength() > 0) {
            Element error = (Element) errors.item(0);
            return "Errors (Type " + attribute(error, "Type") + ", Code " + attribute(error, "Code") + ")";
        }
        return root.getElementsByTagNameNS("*", "Success").getLength() > 0 ? null : "(neither Success nor Errors)";
    }

    private static String attribute(Element element, String name) {
        String value = element.getAttribute(name);
        return value.isEmpty() ? "-" : value.length() > 20 ? value.substring(0, 20) : value;
    }

    private static void share(StringBuilder xml, Boolean optIn) {
        if (optIn != null) {
            xml.append(" ShareMarketInd=\"").append(yesNo(optIn)).append('"');
        }
    }

    private static String yesNo(boolean value) {
        return value ? "Yes" : "No";
    }

    private static void text(StringBuilder xml, String element, String value) {
        if (value != null) {
            xml.append('<').append(element).append('>').append(OtaPollClient.escape(value)).append("</").append(element)
                    .append('>');
        }
    }
}

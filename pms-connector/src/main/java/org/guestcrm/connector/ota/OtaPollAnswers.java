package org.guestcrm.connector.ota;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Reads the PMS's answers to the connector's own polling requests with the hardened DOM ({@link OtaDocuments}):
 * the OTA_ResRetrieveRS of a read (through {@link OtaReservationParser#parseRetrieved}) and the OTA_NotifReportRS of an
 * AlpineBits acknowledgement.
 */
public final class OtaPollAnswers {

    private final OtaDocuments documents = new OtaDocuments();
    private final OtaReservationParser parser = new OtaReservationParser();

    /** The answer to an OTA_ReadRQ; an {@link OtaRejection} when it is not a usable OTA_ResRetrieveRS. */
    public OtaReservationParser.Retrieved retrieved(byte[] body, String requestedHotel) {
        try {
            return parser.parseRetrieved(documents.read(body), requestedHotel);
        } catch (IllegalStateException e) {
            throw new OtaRejection(OtaRejection.Kind.MALFORMED, "unreadable XML body");
        }
    }

    /** True when the body is a well-formed document within the XML limits (a card-free copy of it can be kept). */
    public boolean readable(byte[] body) {
        try {
            documents.read(body);
            return true;
        } catch (OtaRejection | IllegalStateException e) {
            return false;
        }
    }

    /** True when an acknowledgement's answer is an OTA_NotifReportRS carrying Success. */
    public boolean notifReportSucceeded(byte[] body) {
        try {
            Element root = documents.read(body).getDocumentElement();
            if (!"OTA_NotifReportRS".equals(root.getLocalName())) {
                return false;
            }
            for (Node node = root.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element e && "Success".equals(e.getLocalName())) {
                    return true;
                }
            }
            return false;
        } catch (OtaRejection | IllegalStateException e) {
            return false;
        }
    }
}

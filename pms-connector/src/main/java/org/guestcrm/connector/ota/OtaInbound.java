package org.guestcrm.connector.ota;

import org.guestcrm.connector.ota.OtaRejection.Kind;
import org.guestcrm.connector.ota.binding.OtaBinding;
import org.guestcrm.connector.ota.mapping.OtaCancelMapping;
import org.guestcrm.connector.ota.mapping.OtaProfileMapping;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Every OTA push the connector takes, read in one place: the hardened DOM read ({@link OtaDocuments}) decides the
 * message by its root element; reservation pushes go to {@link OtaReservationParser}, profile and cancel messages
 * are bound to data classes ({@link OtaBinding}) and mapped ({@link OtaProfileMapping}, {@link OtaCancelMapping}).
 */
public final class OtaInbound {

    /** One read message: exactly one of the three parts is set, the one of its type. */
    public record Message(OtaMessageType type, ParsedOtaMessage reservations, ParsedProfileMessage profiles,
                          ParsedCancelMessage cancel) {
    }

    private final OtaDocuments documents = new OtaDocuments();
    private final OtaReservationParser reservationParser = new OtaReservationParser();
    private final OtaBinding binding = new OtaBinding();
    private final OtaProfileMapping profileMapping = new OtaProfileMapping();
    private final OtaCancelMapping cancelMapping = new OtaCancelMapping();

    public Message read(byte[] body) {
        Document document = documents.read(body);
        Element root = document.getDocumentElement();
        OtaMessageType type = OtaMessageType.byRequestRoot(root.getLocalName());
        if (type == null || type.isReservationPush()) {
            // the reservation parser answers unknown roots and wrong namespaces with their own rejection
            ParsedOtaMessage parsed = reservationParser.parse(document);
            return new Message(parsed.envelope().messageType(), parsed, null, null);
        }
        OtaEnvelope envelope = new OtaEnvelope(type, attribute(root, "EchoToken"), attribute(root, "TimeStamp"),
                attribute(root, "Version"));
        if (!OtaReservationParser.OTA_NAMESPACE.equals(root.getNamespaceURI())) {
            throw new OtaRejection(Kind.WRONG_MESSAGE, "root element " + root.getLocalName()
                    + " must be in namespace " + OtaReservationParser.OTA_NAMESPACE).withEnvelope(envelope);
        }
        String cardFree = OtaDocuments.cardFreeXml(document);
        try {
            if (type.isProfileMessage()) {
                return new Message(type, null, profileMapping.map(type, binding.profileRequest(body), cardFree,
                        OtaReservationParser.first(root, "Profile")), null);
            }
            return new Message(type, null, null, cancelMapping.map(binding.cancelRequest(body), cardFree));
        } catch (OtaBinding.Unbindable e) {
            throw new OtaRejection(Kind.MALFORMED, e.getMessage()).withEnvelope(envelope);
        }
    }

    /** A refused body that was still a readable document: its root element and its card-free text, for the archive. */
    public record Readable(String root, String cardFreeXml) {
    }

    /**
     * The card-free text of a body the connector refused, when it is a well-formed document within the XML limits
     * (a mapping fix may accept it later); null when it is not (malformed, a DOCTYPE, beyond the limits): nothing of
     * such a body is kept.
     */
    public Readable readable(byte[] body) {
        try {
            Document document = documents.read(body);
            String root = document.getDocumentElement().getLocalName();
            if (root == null) {
                root = document.getDocumentElement().getTagName();
            }
            return new Readable(root.length() > 64 ? root.substring(0, 64) : root, OtaDocuments.cardFreeXml(document));
        } catch (OtaRejection | IllegalStateException e) {
            return null;
        }
    }

    private static String attribute(Element element, String name) {
        return element.hasAttribute(name) ? element.getAttribute(name) : null;
    }
}

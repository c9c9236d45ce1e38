package org.guestcrm.connector.ota;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.guestcrm.connector.domain.CardNumberMask;
import org.guestcrm.connector.ota.OtaRejection.Kind;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads an OTA body into a DOM, hardened (the streaming {@link XmlLimits} pass first; no DOCTYPE, no external
 * entities or DTDs, no XInclude), and re-serialises it without payment cards for the raw archive. Shared by every
 * OTA message type.
 */
public final class OtaDocuments {

    private static final DocumentBuilderFactory DOCUMENT_BUILDER_FACTORY = secureDocumentBuilderFactory();
    private static final TransformerFactory TRANSFORMER_FACTORY = secureTransformerFactory();

    /**
     * One configured DOM parser and one serialiser per thread, reused (issue 5: building them per message was most of
     * the OTA read's cost); neither is thread-safe, both are reset after each use.
     */
    private static final ThreadLocal<DocumentBuilder> BUILDERS = ThreadLocal.withInitial(() -> {
        try {
            DocumentBuilder builder = DOCUMENT_BUILDER_FACTORY.newDocumentBuilder();
            return builder;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("The JDK XML parser does not support secure processing", e);
        }
    });
    private static final ThreadLocal<Transformer> TRANSFORMERS = ThreadLocal.withInitial(() -> {
        try {
            Transformer transformer = TRANSFORMER_FACTORY.newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            return transformer;
        } catch (javax.xml.transform.TransformerConfigurationException e) {
            throw new IllegalStateException("The JDK XML serialiser is unavailable", e);
        }
    });

    private final XmlLimits xmlLimits = new XmlLimits();

    /** Parses a body within {@link XmlLimits}; malformed or hostile XML is an {@link OtaRejection} naming no value. */
    Document read(byte[] body) {
        try {
            xmlLimits.check(body);
            DocumentBuilder builder = BUILDERS.get();
            builder.setErrorHandler(THROWING_ERROR_HANDLER);
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entities are not accepted");
            });
            try {
                Document document = builder.parse(new ByteArrayInputStream(body));
                document.setUserData(BODY, body, null);
                return document;
            } finally {
                builder.reset();
            }
        } catch (XmlLimits.Exceeded e) {
            throw new OtaRejection(Kind.TOO_LARGE, e.getMessage());
        } catch (SAXParseException e) {
            String reason = e.getMessage() != null && e.getMessage().contains("DOCTYPE")
                    ? "DOCTYPE declarations (DTDs, entities) are not accepted"
                    : abbreviate(String.valueOf(e.getMessage()));
            throw new OtaRejection(Kind.MALFORMED, "malformed XML at line " + e.getLineNumber() + ", column "
                    + e.getColumnNumber() + ": " + reason, e);
        } catch (SAXException e) {
            throw new OtaRejection(Kind.MALFORMED, "malformed XML: " + abbreviate(String.valueOf(e.getMessage())), e);
        } catch (IOException e) {
            throw new OtaRejection(Kind.MALFORMED, "unreadable XML body", e);
        }
    }

    private static final ErrorHandler THROWING_ERROR_HANDLER = new ErrorHandler() {
        @Override
        public void warning(SAXParseException exception) {
        }

        @Override
        public void error(SAXParseException exception) throws SAXException {
            throw exception;
        }

        @Override
        public void fatalError(SAXParseException exception) throws SAXException {
            throw exception;
        }
    };

    private static DocumentBuilderFactory secureDocumentBuilderFactory() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            return factory;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("The JDK XML parser does not support secure processing", e);
        }
    }

    private static TransformerFactory secureTransformerFactory() {
        TransformerFactory factory = TransformerFactory.newInstance();
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
        return factory;
    }

    /** The body a document was read from (user data set by {@link #read}). */
    private static final String BODY = "org.guestcrm.connector.ota.body";

    /**
     * The document without any PaymentCard element (card number, expiry, holder, CVV), as text. A UTF-8 document read by
     * {@link #read} that holds no PaymentCard is its own body (the XML declaration and a BOM left out, card-like digit
     * runs masked as always; a body with a character reference {@code &#} is re-serialised, so that digits it spells
     * are masked as digits): re-serialising the DOM was 11 % of an OTA push's request-thread CPU (PushCostProbe, JFR).
     */
    static String cardFreeXml(Document document) {
        NodeList cards = document.getElementsByTagNameNS("*", "PaymentCard");
        if (cards.getLength() == 0 && document.getUserData(BODY) instanceof byte[] body && !hasCharacterReference(body)
                && (document.getXmlEncoding() == null || "UTF-8".equalsIgnoreCase(document.getXmlEncoding()))
                && (document.getInputEncoding() == null || "UTF-8".equalsIgnoreCase(document.getInputEncoding()))) {
            return CardNumberMask.mask(withoutDeclaration(new String(body, java.nio.charset.StandardCharsets.UTF_8)));
        }
        List<Node> toRemove = new ArrayList<>();
        for (int i = 0; i < cards.getLength(); i++) {
            toRemove.add(cards.item(i));
        }
        for (Node card : toRemove) {
            if (card.getParentNode() != null) {
                card.getParentNode().removeChild(card);
            }
        }
        Transformer transformer = TRANSFORMERS.get();
        try {
            StringWriter out = new StringWriter();
            transformer.transform(new DOMSource(document), new StreamResult(out));
            return CardNumberMask.mask(out.toString());
        } catch (TransformerException e) {
            throw new IllegalStateException("Could not re-serialise a parsed document", e);
        } finally {
            transformer.reset();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        }
    }

    private static boolean hasCharacterReference(byte[] body) {
        for (int i = 0; i + 1 < body.length; i++) {
            if (body[i] == '&' && body[i + 1] == '#') {
                return true;
            }
        }
        return false;
    }

    /** The text after a leading BOM and XML declaration (the re-serialised form never had them). */
    private static String withoutDeclaration(String text) {
        int start = !text.isEmpty() && text.charAt(0) == '\uFEFF' ? 1 : 0;
        if (text.startsWith("<?xml", start)) {
            int end = text.indexOf("?>", start);
            if (end > 0) {
                start = end + 2;
                while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
                    start++;
                }
            }
        }
        return text.substring(start);
    }

    private static String abbreviate(String value) {
        String masked = CardNumberMask.mask(value);
        return masked.length() > 120 ? masked.substring(0, 120) + "..." : masked;
    }
}

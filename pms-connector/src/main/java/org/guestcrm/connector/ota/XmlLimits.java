package org.guestcrm.connector.ota;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;

import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * A streaming (SAX, so iterative: no recursion, no tree) pass over an XML body before it is parsed into a DOM:
 * element depth, element count, attributes per element, attribute and text lengths. A document that nests
 * 100,000 elements is refused at the 65th, before anything recursive (DOM text content, re-serialisation)
 * touches it. Same hardening as the DOM parser: no DOCTYPE, no external entities.
 */
final class XmlLimits {

    static final int MAX_DEPTH = 64;
    static final int MAX_ELEMENTS = 50_000;
    static final int MAX_ATTRIBUTES_PER_ELEMENT = 64;
    static final int MAX_ATTRIBUTE_LENGTH = 1024;
    static final int MAX_TEXT_LENGTH = 8192;

    /** A limit the document exceeds; names where (element path and attribute), never a value. */
    static final class Exceeded extends SAXException {
        Exceeded(String message) {
            super(message);
        }
    }

    private static final SAXParserFactory FACTORY = secureFactory();

    /**
     * One configured parser per thread, reused (issue 5: a new parser configuration per message was a large part of
     * the OTA read's cost); a SAXParser is not thread-safe, and {@code reset()} returns it to its configured state.
     */
    private static final ThreadLocal<SAXParser> PARSERS = ThreadLocal.withInitial(() -> {
        try {
            return FACTORY.newSAXParser();
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("The JDK SAX parser does not support secure processing", e);
        }
    });

    /** Throws {@link Exceeded} for a limit, or the parser's {@link SAXException} for malformed XML. */
    void check(byte[] body) throws SAXException, IOException {
        SAXParser parser = PARSERS.get();
        try {
            parser.parse(new ByteArrayInputStream(body), new Counter());
        } finally {
            parser.reset();
        }
    }

    private static final class Counter extends DefaultHandler {
        private final Deque<String> path = new ArrayDeque<>();
        private int elements;
        private int textLength;

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes) throws SAXException {
            String name = localName == null || localName.isEmpty() ? qName : localName;
            if (path.size() >= MAX_DEPTH) {
                throw new Exceeded("elements nest deeper than " + MAX_DEPTH + " levels (at " + where() + ")");
            }
            path.addLast(name);
            if (++elements > MAX_ELEMENTS) {
                throw new Exceeded("the message has more than " + MAX_ELEMENTS + " elements");
            }
            if (attributes.getLength() > MAX_ATTRIBUTES_PER_ELEMENT) {
                throw new Exceeded(where() + " has more than " + MAX_ATTRIBUTES_PER_ELEMENT + " attributes");
            }
            for (int i = 0; i < attributes.getLength(); i++) {
                if (attributes.getValue(i).length() > MAX_ATTRIBUTE_LENGTH) {
                    String attribute = attributes.getLocalName(i).isEmpty() ? attributes.getQName(i) : attributes.getLocalName(i);
                    throw new Exceeded(where() + "@" + attribute + " is longer than " + MAX_ATTRIBUTE_LENGTH + " characters");
                }
            }
            textLength = 0;
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            path.pollLast();
            textLength = 0;
        }

        @Override
        public void characters(char[] ch, int start, int length) throws SAXException {
            textLength += length;
            if (textLength > MAX_TEXT_LENGTH) {
                throw new Exceeded(where() + " has a text longer than " + MAX_TEXT_LENGTH + " characters");
            }
        }

        private String where() {
            // the path below the root, the way rejections name elements (HotelReservations/HotelReservation/...)
            return path.size() <= 1 ? String.valueOf(path.peekFirst()) : String.join("/", path).substring(path.peekFirst().length() + 1);
        }
    }

    private static SAXParserFactory secureFactory() {
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setXIncludeAware(false);
            return factory;
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("The JDK SAX parser does not support secure processing", e);
        }
    }
}

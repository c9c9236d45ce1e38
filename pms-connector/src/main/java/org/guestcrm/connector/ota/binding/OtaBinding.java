package org.guestcrm.connector.ota.binding;

import java.io.IOException;

import javax.xml.stream.XMLInputFactory;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.dataformat.xml.XmlFactory;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;

/**
 * Binds an OTA body to its data classes. The body has already passed the hardened DOM read
 * ({@code OtaDocuments}: limits, no DOCTYPE); the StAX factory here is hardened too (no DTD support, no external
 * entities), unknown elements and attributes are ignored.
 */
public final class OtaBinding {

    /** The body could not be bound (a structure the data classes cannot hold); the message names no value. */
    public static final class Unbindable extends Exception {
        Unbindable(String message) {
            super(message, null, false, false);
        }
    }

    private final XmlMapper mapper;

    public OtaBinding() {
        XMLInputFactory input = XMLInputFactory.newFactory();
        input.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        input.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        input.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        mapper = new XmlMapper(XmlFactory.builder().xmlInputFactory(input).build());
        mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        mapper.configure(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY, true);
    }

    public ProfileRequest profileRequest(byte[] body) throws Unbindable {
        return read(body, ProfileRequest.class);
    }

    public CancelRequest cancelRequest(byte[] body) throws Unbindable {
        return read(body, CancelRequest.class);
    }

    private <T> T read(byte[] body, Class<T> type) throws Unbindable {
        try {
            return mapper.readValue(body, type);
        } catch (IOException e) {
            // Jackson's messages may quote the document: only the location is kept.
            String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException processing
                    && processing.getLocation() != null
                    ? " at line " + processing.getLocation().getLineNr() + ", column " + processing.getLocation().getColumnNr()
                    : "";
            throw new Unbindable("the message's elements could not be read" + where
                    + " (an element repeated or nested where OpenTravel does not allow it)");
        }
    }
}

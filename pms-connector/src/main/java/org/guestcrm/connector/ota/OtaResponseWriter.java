package org.guestcrm.connector.ota;

import java.io.StringWriter;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes OTA_HotelResNotifRS / OTA_HotelResModifyNotifRS: Success with the reservation ids echoed,
 * or Errors. EchoToken, TimeStamp and Version are echoed from the request; TimeStamp is the
 * response time when the request had none.
 */
public class OtaResponseWriter {

    private static final XMLOutputFactory OUTPUT_FACTORY = XMLOutputFactory.newFactory();

    public String success(OtaEnvelope envelope, List<List<OtaReservationId>> reservationIds) {
        return write(envelope, writer -> {
            writer.writeEmptyElement("Success");
            OtaMessageType type = envelope.messageType();
            writer.writeStartElement(type.reservationsElement);
            for (List<OtaReservationId> ids : reservationIds) {
                writer.writeStartElement(type.reservationElement);
                writer.writeStartElement("ResGlobalInfo");
                writer.writeStartElement("HotelReservationIDs");
                for (OtaReservationId id : ids) {
                    writer.writeEmptyElement("HotelReservationID");
                    writeAttributeIfPresent(writer, "ResID_Type", id.type());
                    writeAttributeIfPresent(writer, "ResID_Value", id.value());
                    writeAttributeIfPresent(writer, "ResID_Source", id.source());
                }
                writer.writeEndElement();
                writer.writeEndElement();
                writer.writeEndElement();
            }
            writer.writeEndElement();
        });
    }

    public String error(OtaEnvelope envelope, OtaRejection rejection) {
        OtaEnvelope echoed = envelope != null ? envelope : OtaEnvelope.unknown();
        return write(echoed, writer -> {
            writer.writeStartElement("Errors");
            writer.writeStartElement("Error");
            writer.writeAttribute("Type", rejection.type());
            writer.writeAttribute("Code", rejection.code());
            writer.writeAttribute("ShortText", rejection.shortText());
            writer.writeCharacters(rejection.getMessage());
            writer.writeEndElement();
            writer.writeEndElement();
        });
    }

    private interface Body {
        void write(XMLStreamWriter writer) throws XMLStreamException;
    }

    private String write(OtaEnvelope envelope, Body body) {
        try {
            StringWriter out = new StringWriter();
            XMLStreamWriter writer = OUTPUT_FACTORY.createXMLStreamWriter(out);
            writer.writeStartDocument("UTF-8", "1.0");
            writer.writeStartElement(envelope.messageType().responseRoot);
            writer.writeDefaultNamespace(OtaReservationParser.OTA_NAMESPACE);
            writeAttributeIfPresent(writer, "EchoToken", envelope.echoToken());
            writer.writeAttribute("TimeStamp", envelope.timeStamp() != null ? envelope.timeStamp()
                    : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)));
            writer.writeAttribute("Version", envelope.version() != null ? envelope.version() : "1.000");
            body.write(writer);
            writer.writeEndElement();
            writer.writeEndDocument();
            writer.close();
            return out.toString();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("Could not write an OTA response", e);
        }
    }

    private static void writeAttributeIfPresent(XMLStreamWriter writer, String name, String value) throws XMLStreamException {
        if (value != null) {
            writer.writeAttribute(name, value);
        }
    }
}

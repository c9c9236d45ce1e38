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

import org.guestcrm.connector.domain.FieldWarning;

/**
 * Writes the OTA RS of every accepted message (reservation pushes with their ids, profiles, cancels): Success,
 * or Errors. EchoToken, TimeStamp and Version are echoed from the request; TimeStamp is the
 * response time when the request had none.
 */
public class OtaResponseWriter {

    private static final XMLOutputFactory OUTPUT_FACTORY = XMLOutputFactory.newFactory();

    public String success(OtaEnvelope envelope, List<List<OtaReservationId>> reservationIds) {
        return success(envelope, reservationIds, List.of());
    }

    /** Success, then one Warning per dropped optional field (Type 3 business rule, Code 320 invalid value), then the ids. */
    public String success(OtaEnvelope envelope, List<List<OtaReservationId>> reservationIds, List<FieldWarning> warnings) {
        return write(envelope, writer -> {
            writer.writeEmptyElement("Success");
            writeWarnings(writer, warnings);
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

    /** OTA_ProfileCreateRS / OTA_ProfileModifyRS / OTA_ProfileMergeRS: Success, Warnings, the profile's UniqueID. */
    public String profileSuccess(OtaEnvelope envelope, OtaUniqueId id, List<FieldWarning> warnings) {
        return write(envelope, writer -> {
            writer.writeEmptyElement("Success");
            writeWarnings(writer, warnings);
            writeUniqueId(writer, id);
        });
    }

    /**
     * OTA_CancelRS: Status Cancelled (or Ignored when the CancelType does not cancel), Success, Warnings, the
     * reservation's UniqueID and CancelInfoRS naming it.
     */
    public String cancelSuccess(OtaEnvelope envelope, OtaUniqueId id, boolean cancelled, List<FieldWarning> warnings) {
        return write(envelope, writer -> {
            writer.writeAttribute("Status", cancelled ? "Cancelled" : "Ignored");
            writer.writeEmptyElement("Success");
            writeWarnings(writer, warnings);
            writeUniqueId(writer, id);
            writer.writeStartElement("CancelInfoRS");
            writeUniqueId(writer, id);
            writer.writeEndElement();
        });
    }

    private static void writeUniqueId(XMLStreamWriter writer, OtaUniqueId id) throws XMLStreamException {
        writer.writeEmptyElement("UniqueID");
        writeAttributeIfPresent(writer, "Type", id.type());
        writer.writeAttribute("ID", id.id());
    }

    /** One Warning per dropped optional field (Type 3 business rule, Code 320 invalid value). */
    private static void writeWarnings(XMLStreamWriter writer, List<FieldWarning> warnings) throws XMLStreamException {
        if (warnings.isEmpty()) {
            return;
        }
        writer.writeStartElement("Warnings");
        for (FieldWarning warning : warnings) {
            writer.writeStartElement("Warning");
            writer.writeAttribute("Type", OtaErrorCodes.TYPE_BIZ_RULE);
            writer.writeAttribute("Code", OtaErrorCodes.CODE_INVALID_VALUE);
            writer.writeAttribute("ShortText", "Invalid value");
            writer.writeCharacters(warning.toString());
            writer.writeEndElement();
        }
        writer.writeEndElement();
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

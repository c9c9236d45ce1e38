package org.guestcrm.connector.ota;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.DateTimeException;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;


import org.guestcrm.connector.domain.Amount;
import org.guestcrm.connector.domain.CanonicalLimits;
import org.guestcrm.connector.domain.NumberLexemes;
import org.guestcrm.connector.domain.ExtraService;
import org.guestcrm.connector.domain.FieldWarning;
import org.guestcrm.connector.domain.OptionalFields;
import org.guestcrm.connector.domain.GuestProfile;
import org.guestcrm.connector.domain.Reservation;
import org.guestcrm.connector.domain.ReservationCancellation;
import org.guestcrm.connector.domain.ReservationChangeType;
import org.guestcrm.connector.domain.ReservationRules;
import org.guestcrm.connector.domain.ReservationStatus;
import org.guestcrm.connector.ota.OtaRejection.Kind;
import org.guestcrm.connector.ota.ParsedOtaMessage.ParsedReservation;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Reads OTA_HotelResNotifRQ and OTA_HotelResModifyNotifRQ (OpenTravel 2003/05 namespace) into
 * domain reservations. Parsing is hardened: no DTD, no external entities, no XInclude.
 * Payment cards are never read; they are stripped before the payload is re-serialised.
 * Every rejection names the element or attribute at fault, never its value (a value may be a guest's
 * birth date). Limits (depth, counts, lengths, numbers) are checked before anything is computed.
 */
public class OtaReservationParser {

    public static final String OTA_NAMESPACE = "http://www.opentravel.org/OTA/2003/05";

    /** OTA UIT code table: ids of these types are the hotel's own reservation number. */
    private static final List<String> PREFERRED_RES_ID_TYPES = List.of("14", "10");

    /** OTA BCT (booking channel type) code table, the codes with a canonical name. */
    private static final Map<String, String> BOOKING_CHANNEL_TYPES = Map.of(
            "1", "GDS",
            "2", "ADS",
            "4", "PMS",
            "5", "CRS",
            "6", "TOUR_OPERATOR",
            "7", "WEB");


    private static final String AGE_QUALIFYING_ADULT = "10";
    private static final String AGE_QUALIFYING_CHILD = "8";

    private final OtaDocuments documents = new OtaDocuments();

    public ParsedOtaMessage parse(byte[] body) {
        return parse(documents.read(body));
    }

    /** Reads a document already parsed by {@link OtaDocuments#read}. */
    public ParsedOtaMessage parse(Document document) {
        Element root = document.getDocumentElement();
        OtaMessageType type = OtaMessageType.byRequestRoot(root.getLocalName());
        OtaEnvelope envelope = new OtaEnvelope(type == null || !type.isReservationPush() ? OtaMessageType.HOTEL_RES_NOTIF : type,
                attr(root, "EchoToken"), attr(root, "TimeStamp"), attr(root, "Version"));
        try {
            if (type == null || !type.isReservationPush()) {
                throw new OtaRejection(Kind.WRONG_MESSAGE, "root element " + root.getLocalName()
                        + " is not accepted here; expected one of " + OtaMessageType.acceptedRoots());
            }
            if (!OTA_NAMESPACE.equals(root.getNamespaceURI())) {
                throw new OtaRejection(Kind.WRONG_MESSAGE, "root element " + root.getLocalName()
                        + " must be in namespace " + OTA_NAMESPACE);
            }
            List<FieldWarning> warnings = new ArrayList<>();
            List<ParsedReservation> reservations = readReservations(root, type, warnings);
            return new ParsedOtaMessage(envelope, reservations, OtaDocuments.cardFreeXml(document), List.copyOf(warnings));
        } catch (OtaRejection rejection) {
            throw rejection.withEnvelope(envelope);
        }
    }

    /**
     * One HotelReservation of an OTA_ResRetrieveRS: a reservation with its state, or a cancellation that names the
     * reservation by id only (AlpineBits: ResStatus Cancelled, no RoomStays), or refused ({@code rejection} names the
     * element, never a value). {@code uniqueId} is the element's first UniqueID (what an AlpineBits acknowledgement
     * names), null when it has none.
     */
    public record RetrievedItem(int index, OtaReservationId uniqueId, String reservationId, String hotelCode,
                                ParsedReservation reservation, ReservationCancellation cancellation,
                                OtaRejection rejection) {
    }

    /** An OTA_ResRetrieveRS read element by element: one bad reservation never refuses the others. */
    public record Retrieved(OtaEnvelope envelope, List<RetrievedItem> items, String cardFreeXml,
                            List<FieldWarning> warnings) {
    }

    /**
     * Reads the answer to an OTA_ReadRQ (plain OpenTravel or AlpineBits GuestRequests). The answer as a whole is
     * refused (an {@link OtaRejection}) when it is not an OTA_ResRetrieveRS of the OpenTravel namespace or carries
     * Errors; each HotelReservation is then read on its own. {@code requestedHotel} is the HotelCode the read asked
     * for: the hotel of an item that names none.
     */
    public Retrieved parseRetrieved(Document document, String requestedHotel) {
        Element root = document.getDocumentElement();
        OtaMessageType type = OtaMessageType.RES_RETRIEVE;
        OtaEnvelope envelope = new OtaEnvelope(type, attr(root, "EchoToken"), attr(root, "TimeStamp"), attr(root, "Version"));
        if (!type.requestRoot.equals(root.getLocalName()) || !OTA_NAMESPACE.equals(root.getNamespaceURI())) {
            throw new OtaRejection(Kind.WRONG_MESSAGE, "the answer's root element must be OTA_ResRetrieveRS in namespace "
                    + OTA_NAMESPACE).withEnvelope(envelope);
        }
        Element errors = first(root, "Errors");
        if (errors != null) {
            List<String> codes = new ArrayList<>();
            for (Element error : children(errors, "Error")) {
                codes.add("Type " + attr(error, "Type") + " Code " + attr(error, "Code"));
            }
            throw new OtaRejection(Kind.WRONG_MESSAGE, "OTA_ResRetrieveRS carries Errors " + codes).withEnvelope(envelope);
        }
        List<FieldWarning> warnings = new ArrayList<>();
        MessageContext context;
        try {
            context = new MessageContext(root.getLocalName(), rootStatus(root, type),
                    root.getAttribute("SequenceNmbr").isBlank() ? null : parseSequence(root),
                    attr(root, "TimeStamp") == null ? null : parseTimestamp(attr(root, "TimeStamp"), root.getLocalName() + "@TimeStamp"),
                    origin(root), channel(root), type, warnings);
        } catch (OtaRejection rejection) {
            throw rejection.withEnvelope(envelope);
        }
        List<Element> elements = path(root, type.reservationsElement, type.reservationElement);
        List<RetrievedItem> items = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            Element element = elements.get(i);
            String where = type.reservationsElement + "/" + type.reservationElement + "[" + (i + 1) + "]";
            Element uniqueIdElement = first(element, "UniqueID");
            OtaReservationId uniqueId = uniqueIdElement == null || attr(uniqueIdElement, "ID") == null ? null
                    : new OtaReservationId(attr(uniqueIdElement, "Type"), attr(uniqueIdElement, "ID"), null);
            Element globalInfo = first(element, "ResGlobalInfo");
            Element property = firstNonNull(first(globalInfo, "BasicPropertyInfo"), first(element, "BasicPropertyInfo"));
            String hotel = firstNonNull(attr(property, "HotelCode"), requestedHotel);
            List<OtaReservationId> ids = reservationIds(element, globalInfo);
            String reservationId = ids.stream().filter(id -> PREFERRED_RES_ID_TYPES.contains(id.type())).findFirst()
                    .or(() -> ids.stream().findFirst()).map(OtaReservationId::value).orElse(null);
            try {
                StatusAndChange status = statusAndChange(element, where, context);
                if (status.status() == ReservationStatus.CANCELLED && first(element, "RoomStays") == null) {
                    items.add(new RetrievedItem(i, uniqueId, reservationId, hotel, null, cancellation(element, uniqueId, hotel, where,
                            context), null));
                } else {
                    ParsedReservation reservation = readReservation(element, where, context);
                    items.add(new RetrievedItem(i, uniqueId, reservation.reservation().pmsReservationId(),
                            reservation.reservation().hotelCode(), reservation, null, null));
                }
            } catch (OtaRejection rejection) {
                items.add(new RetrievedItem(i, uniqueId, reservationId, hotel, null, null, rejection));
            }
        }
        return new Retrieved(envelope, items, OtaDocuments.cardFreeXml(document), List.copyOf(warnings));
    }

    /** An AlpineBits cancellation: only the ids (UniqueID Type 15, the reservation's id) and the hotel. */
    private ReservationCancellation cancellation(Element element, OtaReservationId uniqueId, String hotel, String where,
                                                 MessageContext context) {
        if (uniqueId == null) {
            throw new OtaRejection(Kind.MISSING, where + "/UniqueID@ID is required: a cancellation names its reservation");
        }
        if (uniqueId.value().length() > CanonicalLimits.PMS_RESERVATION_ID) {
            throw new OtaRejection(Kind.INVALID_VALUE, where + "/UniqueID@ID is longer than "
                    + CanonicalLimits.PMS_RESERVATION_ID + " characters");
        }
        if (hotel == null || hotel.length() > CanonicalLimits.HOTEL_CODE) {
            throw new OtaRejection(Kind.MISSING, where + "/ResGlobalInfo/BasicPropertyInfo@HotelCode is required");
        }
        Instant at = attr(element, "LastModifyDateTime") != null
                ? parseTimestamp(attr(element, "LastModifyDateTime"), where + "@LastModifyDateTime")
                : attr(element, "CreateDateTime") != null
                ? parseTimestamp(attr(element, "CreateDateTime"), where + "@CreateDateTime") : context.timeStamp();
        return new ReservationCancellation(hotel, uniqueId.value(), context.sequence(), at, null);
    }

    private List<ParsedReservation> readReservations(Element root, OtaMessageType type, List<FieldWarning> warnings) {
        MessageContext context = new MessageContext(
                root.getLocalName(),
                rootStatus(root, type),
                root.getAttribute("SequenceNmbr").isBlank() ? null : parseSequence(root),
                attr(root, "TimeStamp") == null ? null : parseTimestamp(attr(root, "TimeStamp"), root.getLocalName() + "@TimeStamp"),
                origin(root),
                channel(root),
                type,
                warnings);
        List<Element> reservationElements = path(root, type.reservationsElement, type.reservationElement);
        if (reservationElements.isEmpty()) {
            throw new OtaRejection(Kind.MISSING, type.reservationsElement + "/" + type.reservationElement
                    + " is required: the message carries no reservation");
        }
        if (reservationElements.size() > CanonicalLimits.RESERVATIONS_PER_MESSAGE) {
            throw new OtaRejection(Kind.TOO_LARGE, type.reservationsElement + " has more than "
                    + CanonicalLimits.RESERVATIONS_PER_MESSAGE + " " + type.reservationElement + " elements");
        }
        List<ParsedReservation> result = new ArrayList<>();
        for (int i = 0; i < reservationElements.size(); i++) {
            String where = reservationElements.size() == 1 ? type.reservationElement
                    : type.reservationElement + "[" + (i + 1) + "]";
            result.add(readReservation(reservationElements.get(i), where, context));
        }
        List<ReservationRules.Violation> perMessage = CanonicalLimits.messageViolations(
                result.stream().map(ParsedReservation::reservation).toList());
        if (!perMessage.isEmpty()) {
            throw new OtaRejection(Kind.TOO_LARGE, type.reservationsElement + ": " + perMessage);
        }
        return result;
    }

    private ParsedReservation readReservation(Element reservationElement, String where, MessageContext context) {
        List<Element> roomStays = path(reservationElement, "RoomStays", "RoomStay");
        Element roomStay = roomStays.isEmpty() ? null : roomStays.getFirst();
        Element globalInfo = first(reservationElement, "ResGlobalInfo");

        Element property = roomStay == null ? null : first(roomStay, "BasicPropertyInfo");
        if (property == null && globalInfo != null) {
            property = first(globalInfo, "BasicPropertyInfo");
        }
        String hotelCode = property == null ? null : attr(property, "HotelCode");
        if (hotelCode == null) {
            throw new OtaRejection(Kind.MISSING, where + "/RoomStays/RoomStay/BasicPropertyInfo@HotelCode is required");
        }

        List<OtaReservationId> ids = reservationIds(reservationElement, globalInfo);
        if (ids.isEmpty()) {
            throw new OtaRejection(Kind.MISSING, where
                    + "/ResGlobalInfo/HotelReservationIDs/HotelReservationID@ResID_Value is required");
        }
        String pmsReservationId = ids.stream().filter(id -> PREFERRED_RES_ID_TYPES.contains(id.type()))
                .min((a, b) -> PREFERRED_RES_ID_TYPES.indexOf(a.type()) - PREFERRED_RES_ID_TYPES.indexOf(b.type()))
                .orElse(ids.getFirst()).value();

        StatusAndChange statusAndChange = statusAndChange(reservationElement, where, context);
        StayDates stay = stayDates(roomStays, globalInfo, where);
        Instant createdAt = attr(reservationElement, "CreateDateTime") == null ? null
                : parseTimestamp(attr(reservationElement, "CreateDateTime"), where + "@CreateDateTime");
        // a read answer (AlpineBits GuestRequests) dates each request by its CreateDateTime: its version when the
        // element has no LastModifyDateTime (a cancellation sent later is then newer than the booking it cancels)
        Instant modifiedAt = attr(reservationElement, "LastModifyDateTime") != null
                ? parseTimestamp(attr(reservationElement, "LastModifyDateTime"), where + "@LastModifyDateTime")
                : context.type() == OtaMessageType.RES_RETRIEVE && createdAt != null ? createdAt : context.timeStamp();

        TotalAmount total = totalAmount(roomStays, globalInfo, stay, where, context.warnings());
        List<GuestProfile> guests = guests(reservationElement, pmsReservationId, where, context.warnings());
        int[] counts = guestCounts(roomStays, where);

        Reservation reservation = new Reservation(
                hotelCode,
                attr(property, "HotelName"),
                attr(property, "ChainCode"),
                pmsReservationId,
                externalReferences(ids),
                statusAndChange.status(),
                statusAndChange.changeType(),
                stay.arrival(),
                stay.departure(),
                context.sequence(),
                modifiedAt,
                createdAt,
                statusAndChange.status() == ReservationStatus.CANCELLED ? modifiedAt : null,
                null,
                total == null ? null : total.amount(),
                total == null ? null : total.includesTax(),
                context.origin(),
                context.channel(),
                null,
                null,
                firstAttr(roomStays, "RatePlanCode", "RatePlans", "RatePlan", "RoomRates", "RoomRate"),
                firstAttr(roomStays, "RoomTypeCode", "RoomTypes", "RoomType", "RoomRates", "RoomRate"),
                firstAttr(roomStays, "RoomID", "RoomTypes", "RoomType"),
                counts[0],
                counts[1],
                comments(reservationElement, roomStays, globalInfo),
                extraServices(reservationElement, where),
                guests);
        List<ReservationRules.Violation> violations = ReservationRules.violations(reservation);
        if (!violations.isEmpty()) {
            throw new OtaRejection(Kind.INVALID_VALUE, where + ": " + violations);
        }
        return new ParsedReservation(reservation, ids);
    }

    // --- status -------------------------------------------------------------------------------

    private record StatusAndChange(ReservationStatus status, ReservationChangeType changeType) {
    }

    private StatusAndChange rootStatus(Element root, OtaMessageType type) {
        String resStatus = attr(root, "ResStatus");
        ReservationChangeType defaultChange = type == OtaMessageType.HOTEL_RES_MODIFY_NOTIF
                ? ReservationChangeType.MODIFIED : ReservationChangeType.CREATED;
        if (resStatus == null) {
            return new StatusAndChange(ReservationStatus.CONFIRMED, defaultChange);
        }
        return switch (resStatus) {
            case "Commit", "Book" -> new StatusAndChange(ReservationStatus.CONFIRMED, defaultChange);
            case "Modify" -> new StatusAndChange(ReservationStatus.CONFIRMED, ReservationChangeType.MODIFIED);
            case "Cancel" -> new StatusAndChange(ReservationStatus.CANCELLED, ReservationChangeType.CANCELLED);
            default -> throw new OtaRejection(Kind.INVALID_VALUE, root.getLocalName()
                    + "@ResStatus is not supported; expected Commit, Book, Modify or Cancel");
        };
    }

    /** HotelReservation@ResStatus (the PMS status of the booking), when present, overrides the root's. */
    private StatusAndChange statusAndChange(Element reservation, String where, MessageContext context) {
        String resStatus = attr(reservation, "ResStatus");
        if (resStatus == null) {
            return context.rootStatus();
        }
        String normalized = resStatus.toLowerCase(Locale.ROOT).replaceAll("[\\s_-]", "");
        ReservationChangeType keep = context.rootStatus().changeType();
        return switch (normalized) {
            case "reserved", "confirmed", "commit", "book", "booked" ->
                    new StatusAndChange(ReservationStatus.CONFIRMED, keep);
            case "modify", "modified" -> new StatusAndChange(ReservationStatus.CONFIRMED, ReservationChangeType.MODIFIED);
            case "requested", "tentative", "pending" -> new StatusAndChange(ReservationStatus.TENTATIVE, keep);
            case "waitlisted" -> new StatusAndChange(ReservationStatus.WAITLISTED, keep);
            case "cancel", "cancelled", "canceled" ->
                    new StatusAndChange(ReservationStatus.CANCELLED, ReservationChangeType.CANCELLED);
            case "inhouse", "checkedin" ->
                    new StatusAndChange(ReservationStatus.CHECKED_IN, ReservationChangeType.CHECKED_IN);
            case "checkedout" -> new StatusAndChange(ReservationStatus.CHECKED_OUT, ReservationChangeType.CHECKED_OUT);
            case "noshow" -> new StatusAndChange(ReservationStatus.NO_SHOW, ReservationChangeType.NO_SHOW);
            default -> throw new OtaRejection(Kind.INVALID_VALUE, where + "@ResStatus is not a known reservation status");
        };
    }

    // --- ids ----------------------------------------------------------------------------------

    private List<OtaReservationId> reservationIds(Element reservation, Element globalInfo) {
        List<OtaReservationId> ids = new ArrayList<>();
        if (globalInfo != null) {
            for (Element id : path(globalInfo, "HotelReservationIDs", "HotelReservationID")) {
                String value = attr(id, "ResID_Value");
                if (value != null) {
                    ids.add(new OtaReservationId(attr(id, "ResID_Type"), value, attr(id, "ResID_Source")));
                }
            }
        }
        for (Element uniqueId : children(reservation, "UniqueID")) {
            String value = attr(uniqueId, "ID");
            if (value != null) {
                ids.add(new OtaReservationId(attr(uniqueId, "Type"), value, attr(uniqueId, "ID_Context")));
            }
        }
        return ids;
    }

    private Map<String, String> externalReferences(List<OtaReservationId> ids) {
        Map<String, String> references = new LinkedHashMap<>();
        for (OtaReservationId id : ids) {
            String key = id.source() != null ? id.source() : "ResID_Type:" + (id.type() == null ? "?" : id.type());
            if (references.containsKey(key)) {
                key = key + "#" + (id.type() == null ? references.size() : id.type());
            }
            references.putIfAbsent(key, id.value());
        }
        return references;
    }

    // --- dates --------------------------------------------------------------------------------

    private record StayDates(LocalDate arrival, LocalDate departure) {
        long nights() {
            return ChronoUnit.DAYS.between(arrival, departure);
        }
    }

    /**
     * Stay dates from RoomStay/TimeSpan (Start + End or Duration), else ResGlobalInfo/TimeSpan, else the
     * span of the room rates (EffectiveDate..ExpireDate): the OTA 2011B modify sample carries no TimeSpan.
     */
    private StayDates stayDates(List<Element> roomStays, Element globalInfo, String where) {
        LocalDate arrival = null;
        LocalDate departure = null;
        for (int i = 0; i < roomStays.size(); i++) {
            Element timeSpan = first(roomStays.get(i), "TimeSpan");
            if (timeSpan != null) {
                StayDates dates = timeSpanDates(timeSpan, where + "/RoomStays/RoomStay" + (roomStays.size() > 1 ? "[" + (i + 1) + "]" : "") + "/TimeSpan");
                arrival = arrival == null || dates.arrival().isBefore(arrival) ? dates.arrival() : arrival;
                departure = departure == null || dates.departure().isAfter(departure) ? dates.departure() : departure;
            }
        }
        if (arrival == null && globalInfo != null && first(globalInfo, "TimeSpan") != null) {
            StayDates dates = timeSpanDates(first(globalInfo, "TimeSpan"), where + "/ResGlobalInfo/TimeSpan");
            arrival = dates.arrival();
            departure = dates.departure();
        }
        if (arrival == null) {
            for (Element roomStay : roomStays) {
                for (Element rate : path(roomStay, "RoomRates", "RoomRate", "Rates", "Rate")) {
                    String effective = attr(rate, "EffectiveDate");
                    String expire = attr(rate, "ExpireDate");
                    if (effective != null && expire != null) {
                        LocalDate from = parseDate(effective, where + "/RoomStays/RoomStay/RoomRates/RoomRate/Rates/Rate@EffectiveDate");
                        LocalDate to = parseDate(expire, where + "/RoomStays/RoomStay/RoomRates/RoomRate/Rates/Rate@ExpireDate");
                        arrival = arrival == null || from.isBefore(arrival) ? from : arrival;
                        departure = departure == null || to.isAfter(departure) ? to : departure;
                    }
                }
            }
        }
        if (arrival == null) {
            throw new OtaRejection(Kind.MISSING, where + "/RoomStays/RoomStay/TimeSpan@Start and @End are required");
        }
        if (departure.isBefore(arrival)) {
            throw new OtaRejection(Kind.INVALID_DATE, where + "/RoomStays/RoomStay/TimeSpan@End is before TimeSpan@Start");
        }
        return new StayDates(arrival, departure);
    }

    private StayDates timeSpanDates(Element timeSpan, String where) {
        String start = attr(timeSpan, "Start");
        if (start == null) {
            throw new OtaRejection(Kind.MISSING, where + "@Start is required");
        }
        LocalDate arrival = parseDate(start, where + "@Start");
        String end = attr(timeSpan, "End");
        String duration = attr(timeSpan, "Duration");
        LocalDate departure;
        if (end != null) {
            departure = parseDate(end, where + "@End");
        } else if (duration != null) {
            departure = arrival.plus(parseDuration(duration, where + "@Duration"));
        } else {
            throw new OtaRejection(Kind.MISSING, where + "@End (or @Duration) is required");
        }
        if (departure.isBefore(arrival)) {
            throw new OtaRejection(Kind.INVALID_DATE, where + "@End is before " + where + "@Start");
        }
        return new StayDates(arrival, departure);
    }

    private static LocalDate parseDate(String value, String where) {
        String date = value.length() > 10 && value.charAt(10) == 'T' ? value.substring(0, 10) : value;
        LocalDate parsed;
        try {
            parsed = date.length() == 10 ? LocalDate.parse(date) : null;
        } catch (DateTimeParseException e) {
            parsed = null;
        }
        if (parsed == null) {
            throw new OtaRejection(Kind.INVALID_DATE, where + " is not a date (yyyy-MM-dd)");
        }
        if (!CanonicalLimits.inDateRange(parsed)) {
            throw new OtaRejection(Kind.INVALID_DATE, where + " must be between " + CanonicalLimits.EARLIEST_DATE
                    + " and " + CanonicalLimits.LATEST_DATE);
        }
        return parsed;
    }

    /** OTA durations are ISO 8601 periods, with N for nights (P2N). */
    private static Period parseDuration(String value, String where) {
        if (!DURATION.matcher(value).matches()) {
            throw new OtaRejection(Kind.INVALID_DATE, where + " is not a duration such as P2N (at most 4 digits per unit)");
        }
        try {
            return Period.parse(value.replace('N', 'D'));
        } catch (DateTimeException | ArithmeticException e) {
            throw new OtaRejection(Kind.INVALID_DATE, where + " is not a duration such as P2N");
        }
    }

    private static final java.util.regex.Pattern DURATION =
            java.util.regex.Pattern.compile("P(\\d{1,4}Y)?(\\d{1,4}M)?(\\d{1,4}W)?(\\d{1,4}[DN])?");

    /** A date-time with offset; one without an offset is read as UTC. */
    private static Instant parseTimestamp(String value, String where) {
        Instant instant = org.guestcrm.connector.ota.rules.OtaEnvelopeRules.timestamp(value, where);
        if (instant == null) {
            throw new OtaRejection(Kind.INVALID_DATE, where + " is not a date-time");
        }
        return instant;
    }

    private static Long parseSequence(Element root) {
        return nonNegative(root.getAttribute("SequenceNmbr"), 999_999_999_999_999_999L, root.getLocalName() + "@SequenceNmbr");
    }

    /** A non-negative integer attribute, its text checked before it is parsed. */
    private static long nonNegative(String value, long max, String where) {
        try {
            return NumberLexemes.nonNegative(value, max);
        } catch (NumberLexemes.NumberRejected e) {
            throw new OtaRejection(Kind.INVALID_VALUE, where + " " + e.getMessage());
        }
    }

    // --- amounts ------------------------------------------------------------------------------

    private record TotalAmount(Amount amount, Boolean includesTax) {
    }

    /**
     * RoomStay/Total (after tax preferred), else ResGlobalInfo/Total, else the sum over the rates of
     * Base amount x nights of the stay the rate covers (Base is per night in OTA).
     */
    private TotalAmount totalAmount(List<Element> roomStays, Element globalInfo, StayDates stay, String where,
                                    List<FieldWarning> warnings) {
        try {
            return totalAmount(roomStays, globalInfo, stay, where);
        } catch (MalformedAmount malformed) {
            OptionalFields.dropped(warnings, "totalAmount", malformed.where, malformed.reason);
            return null;
        }
    }

    /** An amount that is not a number at all ("12,50", "n/a") or has no ISO currency: the total is dropped, not the booking. */
    private static final class MalformedAmount extends RuntimeException {
        final String where;
        final String reason;

        MalformedAmount(String where, String reason) {
            super(where + " " + reason, null, false, false);
            this.where = where;
            this.reason = reason;
        }
    }

    /** Numbers as PMSs write them; anything else is malformed (a number that is too large stays a 400, see NumberLexemes). */
    private static final java.util.regex.Pattern NUMERIC = java.util.regex.Pattern.compile("[-+]?[0-9]*\\.?[0-9]*([eE][-+]?[0-9]+)?");

    private TotalAmount totalAmount(List<Element> roomStays, Element globalInfo, StayDates stay, String where) {
        List<Element> totals = new ArrayList<>();
        for (Element roomStay : roomStays) {
            Element total = first(roomStay, "Total");
            if (total != null) {
                totals.add(total);
            }
        }
        if (totals.isEmpty() && globalInfo != null && first(globalInfo, "Total") != null) {
            totals.add(first(globalInfo, "Total"));
        }
        if (!totals.isEmpty()) {
            Amount sum = null;
            Boolean includesTax = null;
            for (Element total : totals) {
                TotalAmount one = amountOf(total, where + "/RoomStays/RoomStay/Total");
                if (one != null) {
                    sum = sum == null ? one.amount() : sum.plus(one.amount());
                    includesTax = one.includesTax();
                }
            }
            if (sum != null) {
                return new TotalAmount(sum, includesTax);
            }
        }
        Amount sum = null;
        Boolean includesTax = null;
        for (Element roomStay : roomStays) {
            for (Element rate : path(roomStay, "RoomRates", "RoomRate", "Rates", "Rate")) {
                Element base = first(rate, "Base");
                if (base == null) {
                    continue;
                }
                TotalAmount perNight = amountOf(base, where + "/RoomStays/RoomStay/RoomRates/RoomRate/Rates/Rate/Base");
                if (perNight == null) {
                    continue;
                }
                long nights = nightsCovered(rate, stay, where);
                String currency = perNight.amount().currency() != null ? perNight.amount().currency()
                        : attr(rate, "CurrencyCode");
                Amount rateTotal = new Amount(perNight.amount().value().multiply(BigDecimal.valueOf(nights)), currency);
                sum = sum == null ? rateTotal : sum.plus(rateTotal);
                includesTax = perNight.includesTax();
            }
        }
        return sum == null ? null : new TotalAmount(sum, includesTax);
    }

    private long nightsCovered(Element rate, StayDates stay, String where) {
        String effective = attr(rate, "EffectiveDate");
        String expire = attr(rate, "ExpireDate");
        LocalDate from = effective == null ? stay.arrival()
                : max(stay.arrival(), parseDate(effective, where + "/RoomStays/RoomStay/RoomRates/RoomRate/Rates/Rate@EffectiveDate"));
        LocalDate to = expire == null ? stay.departure()
                : min(stay.departure(), parseDate(expire, where + "/RoomStays/RoomStay/RoomRates/RoomRate/Rates/Rate@ExpireDate"));
        long nights = ChronoUnit.DAYS.between(from, to);
        if (nights <= 0) {
            return stay.nights() == 0 ? 1 : 0;
        }
        return nights;
    }

    private TotalAmount amountOf(Element element, String where) {
        String afterTax = attr(element, "AmountAfterTax");
        String beforeTax = attr(element, "AmountBeforeTax");
        String value = afterTax != null ? afterTax : beforeTax;
        if (value == null) {
            return null;
        }
        String attribute = afterTax != null ? "@AmountAfterTax" : "@AmountBeforeTax";
        if (!NUMERIC.matcher(value).matches() || value.chars().noneMatch(Character::isDigit)) {
            throw new MalformedAmount(where + attribute, "is not a number");
        }
        if (afterTax != null && beforeTax != null) {
            amountLexeme(beforeTax, where + "@AmountBeforeTax");
        }
        BigDecimal amount = amountLexeme(value, where + attribute);
        String currency = attr(element, "CurrencyCode");
        if (currency != null && !currency.matches("[A-Z]{3}")) {
            throw new MalformedAmount(where + "@CurrencyCode", "is not an ISO 4217 code");
        }
        String decimalPlaces = attr(element, "DecimalPlaces");
        if (decimalPlaces != null) {
            int places = (int) nonNegative(decimalPlaces, CanonicalLimits.AMOUNT_FRACTION_DIGITS, where + "@DecimalPlaces");
            if (currency != null && amount.scale() == 0) {
                amount = amount.movePointLeft(places);
            }
        }
        return new TotalAmount(new Amount(amount, currency), afterTax != null);
    }

    /** An OTA amount attribute, its text checked (length, digits, exponent) before it becomes a BigDecimal. */
    private static BigDecimal amountLexeme(String value, String where) {
        try {
            return NumberLexemes.amount(value);
        } catch (NumberLexemes.NumberRejected e) {
            throw new OtaRejection(Kind.INVALID_VALUE, where + " " + e.getMessage());
        }
    }

    // --- stay details -------------------------------------------------------------------------

    private int[] guestCounts(List<Element> roomStays, String where) {
        int adults = 0;
        int children = 0;
        boolean any = false;
        for (Element roomStay : roomStays) {
            for (Element count : path(roomStay, "GuestCounts", "GuestCount")) {
                String value = attr(count, "Count");
                if (value == null) {
                    continue;
                }
                int n = (int) nonNegative(value, CanonicalLimits.MAX_GUEST_COUNT,
                        where + "/RoomStays/RoomStay/GuestCounts/GuestCount@Count");
                any = true;
                String ageCode = attr(count, "AgeQualifyingCode");
                if (ageCode == null || AGE_QUALIFYING_ADULT.equals(ageCode)) {
                    adults += n;
                } else if (AGE_QUALIFYING_CHILD.equals(ageCode)) {
                    children += n;
                }
            }
        }
        return any ? new int[] {adults, children} : new int[] {1, 0};
    }

    private List<String> comments(Element reservation, List<Element> roomStays, Element globalInfo) {
        List<Element> holders = new ArrayList<>(roomStays);
        if (globalInfo != null) {
            holders.add(globalInfo);
        }
        List<String> comments = new ArrayList<>();
        for (Element holder : holders) {
            for (Element comment : path(holder, "Comments", "Comment")) {
                addTexts(comment, comments);
            }
            for (Element request : path(holder, "SpecialRequests", "SpecialRequest")) {
                addTexts(request, comments);
            }
        }
        return comments;
    }

    private void addTexts(Element commentLike, List<String> into) {
        List<Element> parts = new ArrayList<>(children(commentLike, "Text"));
        parts.addAll(children(commentLike, "ListItem"));
        for (Element part : parts) {
            String text = text(part);
            if (text != null) {
                into.add(text);
            }
        }
    }

    private List<ExtraService> extraServices(Element reservation, String where) {
        List<ExtraService> services = new ArrayList<>();
        List<Element> serviceElements = path(reservation, "Services", "Service");
        for (int i = 0; i < serviceElements.size(); i++) {
            Element service = serviceElements.get(i);
            String code = firstNonNull(attr(service, "ServiceInventoryCode"), attr(service, "ID"),
                    attr(service, "ServiceRPH"), "SERVICE-" + (i + 1));
            Element description = first(service, "ServiceDetails");
            description = description == null ? null : first(description, "ServiceDescription");
            String name = description == null ? null : firstNonNull(attr(description, "Name"),
                    text(first(description, "Text")));
            int quantity = 1;
            if (attr(service, "Quantity") != null) {
                quantity = (int) nonNegative(attr(service, "Quantity"), CanonicalLimits.MAX_QUANTITY,
                        where + "/Services/Service@Quantity");
            }
            Amount amount = null;
            Element price = first(service, "Price");
            if (price != null) {
                Element priceTotal = first(price, "Total") != null ? first(price, "Total") : first(price, "Base");
                TotalAmount one = priceTotal == null ? null : amountOf(priceTotal, where + "/Services/Service/Price");
                amount = one == null ? null : one.amount();
            }
            services.add(new ExtraService(code, name, quantity, null, amount));
        }
        return services;
    }

    // --- point of sale ------------------------------------------------------------------------

    private String origin(Element root) {
        for (Element source : path(root, "POS", "Source")) {
            Element channel = first(source, "BookingChannel");
            String company = channel == null ? null : text(first(channel, "CompanyName"));
            if (company != null) {
                return company;
            }
        }
        for (Element source : path(root, "POS", "Source")) {
            Element requestor = first(source, "RequestorID");
            if (requestor != null && attr(requestor, "ID") != null) {
                return attr(requestor, "ID");
            }
        }
        return null;
    }

    private String channel(Element root) {
        for (Element source : path(root, "POS", "Source")) {
            Element channel = first(source, "BookingChannel");
            String type = channel == null ? null : attr(channel, "Type");
            if (type != null) {
                return BOOKING_CHANNEL_TYPES.getOrDefault(type, "BCT:" + type);
            }
        }
        return null;
    }

    // --- guests -------------------------------------------------------------------------------

    private List<GuestProfile> guests(Element reservation, String pmsReservationId, String where, List<FieldWarning> warnings) {
        List<GuestProfile> guests = new ArrayList<>();
        List<Element> resGuests = path(reservation, "ResGuests", "ResGuest");
        boolean anyPrimaryFlag = resGuests.stream().anyMatch(g -> "true".equals(attr(g, "PrimaryIndicator")));
        int n = 0;
        for (Element resGuest : resGuests) {
            for (Element profileInfo : path(resGuest, "Profiles", "ProfileInfo")) {
                Element profile = first(profileInfo, "Profile");
                Element customer = profile == null ? null : first(profile, "Customer");
                if (customer == null) {
                    continue;
                }
                n++;
                boolean primary = anyPrimaryFlag ? "true".equals(attr(resGuest, "PrimaryIndicator")) : guests.isEmpty();
                String at = where + "/ResGuests/ResGuest" + (resGuests.size() > 1 ? "[" + n + "]" : "") + "/.../Customer";
                guests.add(guest(profileInfo, profile, customer, pmsReservationId, n, primary, at, warnings));
            }
        }
        return guests;
    }

    private GuestProfile guest(Element profileInfo, Element profile, Element customer, String pmsReservationId,
                               int n, boolean primary, String at, List<FieldWarning> warnings) {
        Element uniqueId = first(profileInfo, "UniqueID");
        String profileId = uniqueId == null ? null : attr(uniqueId, "ID");
        boolean synthetic = profileId == null;
        if (synthetic) {
            profileId = pmsReservationId + "-G" + n;
        }
        Element personName = first(customer, "PersonName");
        List<String> givenNames = personName == null ? List.of()
                : children(personName, "GivenName").stream().map(OtaReservationParser::text).filter(s -> s != null).toList();
        String middleName = personName == null ? null : text(first(personName, "MiddleName"));
        if (middleName == null && givenNames.size() > 1) {
            middleName = String.join(" ", givenNames.subList(1, givenNames.size()));
        }

        List<GuestProfile.Email> emails = new ArrayList<>();
        Boolean emailOptIn = null;
        for (Element email : children(customer, "Email")) {
            String address = text(email);
            if (address != null && !OptionalFields.isEmail(address)) {
                OptionalFields.dropped(warnings, "email", at + "/Email", "is not an e-mail address");
            } else if (address != null) {
                emails.add(new GuestProfile.Email(address, attr(email, "EmailType"), "true".equals(attr(email, "DefaultInd"))));
                emailOptIn = emailOptIn != null ? emailOptIn : yesNo(attr(email, "ShareMarketInd"));
            }
        }
        List<GuestProfile.Phone> phones = new ArrayList<>();
        Boolean phoneOptIn = null;
        Boolean smsOptIn = null;
        for (Element telephone : children(customer, "Telephone")) {
            String number = attr(telephone, "PhoneNumber");
            if (number != null && !OptionalFields.isPhone(number)) {
                OptionalFields.dropped(warnings, "phone", at + "/Telephone@PhoneNumber", "is not a phone number");
            } else if (number != null) {
                String techType = attr(telephone, "PhoneTechType");
                String type = techType == null ? null : OtaCodeTables.PHONE_TECH_TYPES.getOrDefault(techType, "PTT:" + techType);
                phones.add(new GuestProfile.Phone(number, type, "true".equals(attr(telephone, "DefaultInd"))));
                Boolean share = yesNo(attr(telephone, "ShareMarketInd"));
                if ("MOBILE".equals(type)) {
                    smsOptIn = smsOptIn != null ? smsOptIn : share;
                } else {
                    phoneOptIn = phoneOptIn != null ? phoneOptIn : share;
                }
            }
        }
        List<GuestProfile.Address> addresses = new ArrayList<>();
        Boolean postOptIn = null;
        for (Element address : children(customer, "Address")) {
            List<String> lines = children(address, "AddressLine").stream().map(OtaReservationParser::text)
                    .filter(s -> s != null).toList();
            Element stateProv = first(address, "StateProv");
            Element country = first(address, "CountryName");
            String countryCode = country == null ? null : countryCode(attr(country, "Code"), at + "/Address/CountryName@Code",
                    warnings);
            addresses.add(new GuestProfile.Address(
                    attr(address, "Type"),
                    lines,
                    text(first(address, "CityName")),
                    text(first(address, "PostalCode")),
                    stateProv == null ? null : firstNonNull(text(stateProv), attr(stateProv, "StateCode")),
                    countryCode,
                    country == null ? null : text(country),
                    "true".equals(attr(address, "DefaultInd"))));
            postOptIn = postOptIn != null ? postOptIn : yesNo(attr(address, "ShareMarketInd"));
        }
        Boolean shareAll = yesNo(attr(profile, "ShareAllMarketInd"));
        Boolean optOutAll = yesNo(attr(profile, "ShareAllOptOutInd"));
        GuestProfile.MarketingFlags flags = new GuestProfile.MarketingFlags(
                emailOptIn != null ? emailOptIn : shareAll,
                smsOptIn != null ? smsOptIn : shareAll,
                postOptIn != null ? postOptIn : shareAll,
                phoneOptIn != null ? phoneOptIn : shareAll,
                optOutAll);

        Element loyalty = first(customer, "CustLoyalty");
        Element citizen = first(customer, "CitizenCountryName");
        String nationality = citizen == null ? null : countryCode(attr(citizen, "Code"), at + "/CitizenCountryName@Code",
                warnings);
        String language = attr(customer, "Language");
        if (language != null && !OptionalFields.isLanguage(language)) {
            OptionalFields.dropped(warnings, "language", at + "@Language", "is not a language tag (BCP 47)");
            language = null;
        }
        LocalDate birthDate = OptionalFields.date(attr(customer, "BirthDate"));
        if (attr(customer, "BirthDate") != null && birthDate == null) {
            OptionalFields.dropped(warnings, "birthDate", at + "@BirthDate", "is not a date (yyyy-MM-dd, "
                    + CanonicalLimits.EARLIEST_DATE + " to " + CanonicalLimits.LATEST_DATE + ")");
        }
        Element companyInfo = first(profile, "CompanyInfo");
        String profileType = attr(profile, "ProfileType");

        return new GuestProfile(
                profileId,
                synthetic,
                primary,
                profileType == null ? null : OtaCodeTables.PROFILE_TYPES.getOrDefault(profileType, "PRT:" + profileType),
                personName == null ? null : text(first(personName, "NamePrefix")),
                givenNames.isEmpty() ? null : givenNames.getFirst(),
                middleName,
                personName == null ? null : text(first(personName, "Surname")),
                birthDate,
                attr(customer, "Gender"),
                language,
                nationality,
                emails,
                phones,
                addresses,
                loyalty == null ? null : attr(loyalty, "ProgramID"),
                loyalty == null ? null : attr(loyalty, "MembershipID"),
                companyInfo == null ? null : text(first(companyInfo, "CompanyName")),
                flags.isEmpty() ? null : flags,
                org.guestcrm.connector.ota.mapping.OtaPreferences.read(profile,
                        at.endsWith("/Customer") ? at.substring(0, at.length() - "/Customer".length()) : at, warnings));
    }

    /** An ISO country code (alpha-2, or alpha-3 converted); another value is dropped with a warning. */
    private static String countryCode(String value, String location, List<FieldWarning> warnings) {
        if (value == null) {
            return null;
        }
        String code = OptionalFields.countryCode(value);
        if (code == null) {
            OptionalFields.dropped(warnings, "countryCode", location, "is not an ISO 3166 country code");
        }
        return code;
    }

    private static Boolean yesNo(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "yes", "true", "1" -> Boolean.TRUE;
            case "no", "false", "0" -> Boolean.FALSE;
            default -> null;
        };
    }

    // --- XML ----------------------------------------------------------------------------------

    private record MessageContext(String rootName, StatusAndChange rootStatus, Long sequence, Instant timeStamp,
                                  String origin, String channel, OtaMessageType type, List<FieldWarning> warnings) {
    }

    static List<Element> children(Element parent, String localName) {
        List<Element> result = new ArrayList<>();
        if (parent == null) {
            return result;
        }
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && localName.equals(element.getLocalName())) {
                result.add(element);
            }
        }
        return result;
    }

    static Element first(Element parent, String localName) {
        List<Element> found = children(parent, localName);
        return found.isEmpty() ? null : found.getFirst();
    }

    /** All elements at the end of a path of child names. */
    static List<Element> path(Element from, String... names) {
        List<Element> current = List.of(from);
        for (String name : names) {
            List<Element> next = new ArrayList<>();
            for (Element element : current) {
                next.addAll(children(element, name));
            }
            current = next;
        }
        return current;
    }

    /** The first non-blank attribute found on the elements of either of two paths (given as pairs). */
    private static String firstAttr(List<Element> roomStays, String attribute, String... pathPairs) {
        for (int i = 0; i + 1 < pathPairs.length; i += 2) {
            for (Element roomStay : roomStays) {
                for (Element element : path(roomStay, pathPairs[i], pathPairs[i + 1])) {
                    String value = attr(element, attribute);
                    if (value != null) {
                        return value;
                    }
                }
            }
        }
        return null;
    }

    static String attr(Element element, String name) {
        if (element == null || !element.hasAttribute(name)) {
            return null;
        }
        String value = element.getAttribute(name).trim();
        return value.isEmpty() ? null : value;
    }

    static String text(Element element) {
        if (element == null) {
            return null;
        }
        String value = element.getTextContent().trim();
        return value.isEmpty() ? null : value;
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static LocalDate max(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }

    private static LocalDate min(LocalDate a, LocalDate b) {
        return a.isBefore(b) ? a : b;
    }

}

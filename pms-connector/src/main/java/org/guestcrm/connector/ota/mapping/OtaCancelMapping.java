package org.guestcrm.connector.ota.mapping;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.guestcrm.connector.domain.CanonicalLimits;
import org.guestcrm.connector.domain.FieldWarning;
import org.guestcrm.connector.domain.ReservationCancellation;
import org.guestcrm.connector.ota.OtaEnvelope;
import org.guestcrm.connector.ota.OtaMessageType;
import org.guestcrm.connector.ota.OtaRejection;
import org.guestcrm.connector.ota.OtaRejection.Kind;
import org.guestcrm.connector.ota.OtaUniqueId;
import org.guestcrm.connector.ota.ParsedCancelMessage;
import org.guestcrm.connector.ota.binding.CancelRequest;
import org.guestcrm.connector.ota.rules.OtaEnvelopeRules;

/**
 * OTA_CancelRQ to a domain {@link ReservationCancellation}: the reservation is the UniqueID of UIT 14 (reservation),
 * else 10, else the first; the hotel is {@code Verification/Vendor@Code} or
 * {@code Verification/TPA_Extensions/BasicPropertyInfo@HotelCode} when sent. CancelType absent, Commit or Cancel
 * cancels; Initiate, Quote and Ignore change nothing (answered with a warning); another value is refused.
 */
public final class OtaCancelMapping {

    private static final List<String> RESERVATION_ID_TYPES = List.of("14", "10");
    private static final String ROOT = OtaMessageType.CANCEL.requestRoot;

    public ParsedCancelMessage map(CancelRequest request, String cardFreeXml) {
        OtaEnvelope envelope = new OtaEnvelope(OtaMessageType.CANCEL, request.echoToken, request.timeStamp, request.version);
        try {
            Instant timeStamp = OtaEnvelopeRules.timestamp(request.timeStamp, ROOT + "@TimeStamp");
            Long sequence = OtaEnvelopeRules.sequence(request.sequenceNmbr, ROOT + "@SequenceNmbr");
            boolean retransmission = OtaEnvelopeRules.retransmission(request.retransmissionIndicator,
                    ROOT + "@RetransmissionIndicator");
            OtaUniqueId id = OtaEnvelopeRules.requiredId(request.uniqueIds, RESERVATION_ID_TYPES,
                    CanonicalLimits.PMS_RESERVATION_ID, "UniqueID");
            String hotelCode = hotelCode(request);
            if (hotelCode != null && hotelCode.length() > CanonicalLimits.HOTEL_CODE) {
                throw new OtaRejection(Kind.INVALID_VALUE, "Verification hotel code is longer than "
                        + CanonicalLimits.HOTEL_CODE + " characters");
            }
            List<FieldWarning> warnings = new ArrayList<>();
            String cancelType = request.cancelType == null ? "commit" : request.cancelType.strip().toLowerCase(Locale.ROOT);
            ReservationCancellation cancellation = switch (cancelType) {
                case "", "commit", "cancel" -> new ReservationCancellation(hotelCode, id.id(), sequence, timeStamp,
                        reason(request));
                case "initiate", "quote", "ignore" -> {
                    warnings.add(new FieldWarning("cancelType", ROOT + "@CancelType",
                            "does not cancel (only Commit does); nothing changed"));
                    yield null;
                }
                default -> throw new OtaRejection(Kind.INVALID_VALUE, ROOT + "@CancelType must be Commit, Initiate, Quote or Ignore");
            };
            return new ParsedCancelMessage(envelope, cancellation, id, retransmission, cardFreeXml, List.copyOf(warnings));
        } catch (OtaRejection rejection) {
            throw rejection.withEnvelope(envelope);
        }
    }

    private static String hotelCode(CancelRequest request) {
        CancelRequest.Verification verification = request.verification;
        if (verification == null) {
            return null;
        }
        if (verification.vendor != null && verification.vendor.code != null && !verification.vendor.code.isBlank()) {
            return verification.vendor.code.strip();
        }
        if (verification.extensions != null && verification.extensions.basicPropertyInfo != null) {
            String code = verification.extensions.basicPropertyInfo.hotelCode;
            return code == null || code.isBlank() ? null : code.strip();
        }
        return null;
    }

    private static String reason(CancelRequest request) {
        if (request.reasons == null || request.reasons.reasons == null) {
            return null;
        }
        String text = String.join("; ", request.reasons.reasons.stream()
                .filter(r -> r != null && r.text != null && !r.text.isBlank()).map(r -> r.text.strip()).toList());
        if (text.isEmpty()) {
            return null;
        }
        return text.length() > CanonicalLimits.CANCELLATION_REASON ? text.substring(0, CanonicalLimits.CANCELLATION_REASON) : text;
    }
}

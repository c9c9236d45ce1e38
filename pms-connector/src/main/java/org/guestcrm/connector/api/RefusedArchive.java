package org.guestcrm.connector.api;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.domain.Tokens;
import org.guestcrm.connector.ota.OtaInbound;
import org.guestcrm.connector.persistence.RawArchive;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Keeps the pushes the connector refused although their body was readable (an OTA document within the XML limits, a
 * canonical JSON reservation that bound to its type), card-free and with the reason, so a replay after a fix can accept
 * them. Bodies that were not readable (malformed, a DOCTYPE, beyond a limit, too large, unauthenticated) are not kept.
 * A failure to archive never changes the answer to the PMS: it is logged.
 */
@ApplicationScoped
public class RefusedArchive {

    private static final Logger LOG = Logger.getLogger(RefusedArchive.class);

    private final OtaInbound ota = new OtaInbound();

    @Inject
    RawArchive archive;
    @Inject
    ConnectorConfig config;
    @Inject
    ObjectMapper json;

    /** An OTA push refused after authentication; {@code reason} names the element or attribute, never a value. */
    public void refusedOta(String feedId, byte[] body, String reason) {
        OtaInbound.Readable readable = ota.readable(body);
        if (readable == null) {
            return;
        }
        keep(feedId, Tokens.sha256Hex(body), readable.root(), reason,
                config.inbound().storeMaskedPayload() ? readable.cardFreeXml() : null);
    }

    /** A canonical reservation refused by validation: its DTO (only the fields of the type, so no card) is kept. */
    public void refusedJson(String feedId, String bodySha256, CanonicalReservation dto, List<Problem.FieldError> problems) {
        String payload = null;
        if (config.inbound().storeMaskedPayload()) {
            try {
                payload = json.writeValueAsString(dto);
            } catch (JsonProcessingException e) {
                payload = null;
            }
        }
        keep(feedId, bodySha256, "CanonicalReservation",
                problems.stream().map(p -> p.field() + " " + p.message()).toList().toString(), payload);
    }

    private void keep(String feedId, String bodySha256, String messageType, String reason, String payload) {
        try {
            archive.refused(feedId, bodySha256, messageType, reason, payload);
        } catch (RuntimeException e) {
            LOG.warnf("A refused message on feed %s could not be archived (%s); the refusal is answered as usual.",
                    feedId, e.getClass().getSimpleName());
        }
    }
}

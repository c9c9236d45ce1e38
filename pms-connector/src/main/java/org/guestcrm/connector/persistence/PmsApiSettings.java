package org.guestcrm.connector.persistence;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.domain.SecretCipher;
import org.guestcrm.connector.vendor.PmsApi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The PMS API a webhook feed fetches from (table {@code feed_pms_api}, V16): base URL, per-feed concurrency and the
 * credentials, stored AES-256-GCM encrypted under {@code connector.credentials.encryption-key} with the feed id as
 * associated data (like the feeds' HMAC secrets), decrypted only to make a call.
 */
@ApplicationScoped
public class PmsApiSettings {

    /** What the API shows of the settings: never the credentials. */
    public record Summary(URI baseUrl, Integer maxConcurrency, Integer pollIntervalSeconds, boolean hasAccessToken,
                          boolean hasClientToken, String secretKeyId, Instant updatedAt, boolean hasOauthClient,
                          String tokenUrl, boolean hasBasicAuth, String protocolVersion) {
    }

    /** AlpineBits: HTTP basic auth and the protocol version the feed speaks, or none. */
    public record AlpineBits(String username, String password, String protocolVersion) {
    }

    /** apaleo's OAuth client credentials (client id, secret, the identity server's token URL), or none. */
    public record OauthClient(String clientId, String clientSecret, URI tokenUrl) {
    }

    @Inject
    EntityManager entityManager;

    @Inject
    FeedProvisioning provisioning;

    @Inject
    ObjectMapper json;

    @Inject
    ConnectorConfig config;

    /** Stores the settings; refused (CredentialRefused) when no encryption key is configured. */
    @Transactional
    public void save(String feedId, URI baseUrl, String accessToken, String clientToken, Integer maxConcurrency,
                     Integer pollIntervalSeconds, OauthClient oauth) {
        save(feedId, baseUrl, accessToken, clientToken, maxConcurrency, pollIntervalSeconds, oauth, null);
    }

    /** Stores the settings, with AlpineBits' basic auth and protocol version when given. */
    @Transactional
    public void save(String feedId, URI baseUrl, String accessToken, String clientToken, Integer maxConcurrency,
                     Integer pollIntervalSeconds, OauthClient oauth, AlpineBits alpineBits) {
        SecretCipher cipher = provisioning.cipher();
        ObjectNode secrets = json.createObjectNode();
        if (accessToken != null) {
            secrets.put("accessToken", accessToken);
        }
        if (clientToken != null) {
            secrets.put("clientToken", clientToken);
        }
        if (oauth != null) {
            secrets.put("clientId", oauth.clientId());
            secrets.put("clientSecret", oauth.clientSecret());
            secrets.put("tokenUrl", oauth.tokenUrl().toString());
        }
        if (alpineBits != null) {
            secrets.put("username", alpineBits.username());
            secrets.put("password", alpineBits.password());
        }
        byte[] ciphertext = cipher.encrypt(secrets.toString().getBytes(StandardCharsets.UTF_8), associatedData(feedId));
        entityManager.createNativeQuery("""
                        insert into feed_pms_api (feed_id, base_url, secret_ciphertext, secret_key_id, max_concurrency,
                            poll_interval_seconds, protocol_version, updated_at)
                        values (:feedId, :baseUrl, :secret, :keyId, :concurrency, :interval, :protocol, now())
                        on conflict (feed_id) do update set base_url = excluded.base_url,
                            secret_ciphertext = excluded.secret_ciphertext, secret_key_id = excluded.secret_key_id,
                            max_concurrency = excluded.max_concurrency,
                            poll_interval_seconds = excluded.poll_interval_seconds,
                            protocol_version = excluded.protocol_version, updated_at = excluded.updated_at""")
                .setParameter("feedId", feedId)
                .setParameter("baseUrl", baseUrl.toString())
                .setParameter("secret", ciphertext)
                .setParameter("keyId", cipher.keyId())
                .setParameter("concurrency", maxConcurrency == null ? -1 : maxConcurrency)
                .setParameter("interval", pollIntervalSeconds == null ? -1 : pollIntervalSeconds)
                .setParameter("protocol", alpineBits == null ? "" : alpineBits.protocolVersion())
                .executeUpdate();
    }

    @Transactional
    public Optional<Summary> summary(String feedId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select base_url, max_concurrency, secret_ciphertext, secret_key_id, updated_at, poll_interval_seconds,
                            protocol_version
                        from feed_pms_api where feed_id = :feedId""")
                .setParameter("feedId", feedId).getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] row = rows.getFirst();
        JsonNode secrets = decrypt(feedId, (byte[]) row[2], (String) row[3]);
        return Optional.of(new Summary(URI.create((String) row[0]), positive(row[1]), positive(row[5]),
                secrets != null && secrets.hasNonNull("accessToken"), secrets != null && secrets.hasNonNull("clientToken"),
                (String) row[3], toInstant(row[4]), secrets != null && secrets.hasNonNull("clientSecret"),
                secrets == null ? null : secrets.path("tokenUrl").asText(null),
                secrets != null && secrets.hasNonNull("password"), blankToNull((String) row[6])));
    }

    /** The decrypted settings for a fetch, or empty when the feed has none (or they cannot be decrypted). */
    @Transactional
    public Optional<PmsApi> forFetch(String feedId) {
        FeedEntity feed = FeedEntity.findById(feedId);
        if (feed == null || feed.deletedAt != null || !feed.kind.takesPmsApiSettings()) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select base_url, secret_ciphertext, secret_key_id, protocol_version from feed_pms_api where feed_id = :feedId""")
                .setParameter("feedId", feedId).getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] row = rows.getFirst();
        JsonNode secrets = decrypt(feedId, (byte[]) row[1], (String) row[2]);
        if (secrets == null) {
            return Optional.empty();
        }
        String hotelCode = null;
        ZoneId zone = ZoneOffset.UTC;
        List<String> hotelCodes = new java.util.ArrayList<>();
        try {
            JsonNode hotels = json.readTree(feed.hotels == null ? "[]" : feed.hotels);
            for (JsonNode hotel : hotels) {
                if (hotel.hasNonNull("hotelCode")) {
                    hotelCodes.add(hotel.get("hotelCode").asText());
                }
            }
            if (hotels.isArray() && hotels.size() == 1) {
                hotelCode = hotels.get(0).path("hotelCode").asText(null);
                String timeZone = hotels.get(0).path("timeZone").asText(null);
                if (timeZone != null && !timeZone.isBlank()) {
                    zone = ZoneId.of(timeZone);
                }
            }
        } catch (java.io.IOException | java.time.DateTimeException e) {
            hotelCode = null;
        }
        return Optional.of(new PmsApi(feedId, feed.tenantId, feed.kind, URI.create((String) row[0]),
                secrets.path("accessToken").asText(null), secrets.path("clientToken").asText(null),
                feed.defaultCurrency != null ? feed.defaultCurrency : config.defaultCurrency(), hotelCode, zone,
                secrets.hasNonNull("tokenUrl") ? URI.create(secrets.get("tokenUrl").asText()) : null,
                secrets.path("clientId").asText(null), secrets.path("clientSecret").asText(null),
                secrets.path("username").asText(null), secrets.path("password").asText(null),
                blankToNull((String) row[3]), List.copyOf(hotelCodes)));
    }

    private JsonNode decrypt(String feedId, byte[] ciphertext, String keyId) {
        try {
            SecretCipher cipher = provisioning.cipher();
            if (!cipher.keyId().equals(keyId)) {
                return null;
            }
            return json.readTree(cipher.decrypt(ciphertext, associatedData(feedId)));
        } catch (RuntimeException | java.io.IOException e) {
            return null;
        }
    }

    /** The stored number, or null for "not set" (stored as -1, so the statement never binds a typeless null). */
    private static Integer positive(Object value) {
        return value instanceof Number n && n.intValue() > 0 ? n.intValue() : null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static String associatedData(String feedId) {
        return "feed_pms_api:" + feedId;
    }

    private static Instant toInstant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof java.time.OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        return null;
    }
}

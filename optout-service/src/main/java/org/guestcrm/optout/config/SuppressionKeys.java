package org.guestcrm.optout.config;

import java.util.List;
import java.util.Optional;

import org.eclipse.microprofile.config.ConfigProvider;
import org.guestcrm.optout.domain.ContactPoint;
import org.guestcrm.optout.domain.Suppressions;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The keys of the erasure suppression list, only from the environment: {@code GUESTCRM_SUPPRESSION_KEYS=kid:base64,...}
 * (each at least 32 bytes) and {@code GUESTCRM_SUPPRESSION_CURRENT_KEY=kid} (config {@code guestcrm.suppression.keys},
 * {@code guestcrm.suppression.current-key}). Any configured key recognises its rows, the current one writes new rows,
 * so keys rotate without losing a suppression. Without keys the service still erases, but under the unsalted SHA-256
 * (a pseudonym whoever holds the address can test), and says so at start; malformed keys stop the start.
 */
@Startup
@ApplicationScoped
public class SuppressionKeys {

    private static final Logger LOG = Logger.getLogger(SuppressionKeys.class);

    private Suppressions suppressions;

    @PostConstruct
    void load() {
        var config = ConfigProvider.getConfig();
        Optional<String> keys = config.getOptionalValue("guestcrm.suppression.keys", String.class);
        Optional<String> current = config.getOptionalValue("guestcrm.suppression.current-key", String.class);
        if (keys.isEmpty() || keys.get().isBlank()) {
            LOG.warn("GUESTCRM_SUPPRESSION_KEYS is not set: erased contact points are suppressed under an unsalted SHA-256"
                    + " instead of a keyed HMAC.");
            return;
        }
        suppressions = Suppressions.parse(keys.get(), current.orElse(null));
        LOG.infof("Erasure suppressions are keyed with key %s.", suppressions.currentKeyId());
    }

    /** The hash to store for an erased contact point. */
    public String hash(String tenant, ContactPoint contactPoint) {
        return suppressions == null ? Suppressions.legacy(tenant, contactPoint) : suppressions.hash(tenant, contactPoint);
    }

    /** Every hash an erased contact point may be stored under (each key's, and the unsalted form of older rows). */
    public List<String> candidates(String tenant, ContactPoint contactPoint) {
        return suppressions == null ? List.of(Suppressions.legacy(tenant, contactPoint), Suppressions.ofRef(tenant, contactPoint))
                : suppressions.candidates(tenant, contactPoint);
    }
}

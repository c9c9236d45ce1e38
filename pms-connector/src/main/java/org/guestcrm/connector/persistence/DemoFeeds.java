package org.guestcrm.connector.persistence;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.domain.FeedKind;
import org.guestcrm.connector.domain.Tokens;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Tenant {@code demo} with push feeds {@code demo-ota} and {@code demo-json} and bearer token {@code demo}, for the
 * local stack and the tests only: created when {@code connector.demo-feeds.enabled=true}
 * ({@code CONNECTOR_DEMO_FEEDS_ENABLED}); the default configuration creates none.
 */
@ApplicationScoped
public class DemoFeeds {

    private static final Logger LOG = Logger.getLogger(DemoFeeds.class);
    public static final String TENANT = "demo";

    /** A demo feed to create. */
    public record DemoFeed(String feedId, FeedKind kind, String pmsSystem) {
    }

    @Inject
    ConnectorConfig config;

    @Inject
    FeedProvisioning provisioning;

    /** The feeds this configuration asks for: none unless the demo feeds are enabled. */
    public static List<DemoFeed> planned(ConnectorConfig.DemoFeeds demoFeeds) {
        if (!demoFeeds.enabled()) {
            return List.of();
        }
        return List.of(new DemoFeed("demo-ota", FeedKind.OTA_XML, "OpenTravel OTA_HotelResNotifRQ push (demo)"),
                new DemoFeed("demo-json", FeedKind.CANONICAL_JSON, "Canonical JSON push (demo)"));
    }

    void onStart(@Observes StartupEvent event) {
        List<DemoFeed> feeds = planned(config.demoFeeds());
        if (feeds.isEmpty()) {
            return;
        }
        String tokenHash = Tokens.sha256Hex(config.demoFeeds().token());
        for (DemoFeed feed : feeds) {
            provisioning.upsertFeed(feed.feedId(), TENANT, feed.kind(), feed.pmsSystem());
            provisioning.ensureBearerTokenHash(feed.feedId(), feed.feedId() + "-demo", tokenHash);
        }
        LOG.infof("Demo feeds demo-ota and demo-json of tenant %s are ready (connector.demo-feeds.enabled=true).", TENANT);
    }
}

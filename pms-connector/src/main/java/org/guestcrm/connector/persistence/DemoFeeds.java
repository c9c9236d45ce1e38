package org.guestcrm.connector.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.guestcrm.connector.config.ConnectorConfig;
import org.guestcrm.connector.domain.FeedKind;
import org.guestcrm.connector.domain.Tokens;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/** Upserts tenant {@code demo} with push feeds {@code demo-ota} and {@code demo-json} for the local stack. */
@ApplicationScoped
public class DemoFeeds {

    private static final Logger LOG = Logger.getLogger(DemoFeeds.class);
    public static final String TENANT = "demo";

    @Inject
    ConnectorConfig config;

    @Inject
    EntityManager entityManager;

    @Transactional
    void onStart(@Observes StartupEvent event) {
        if (!config.demoFeeds().enabled()) {
            return;
        }
        String tokenHash = Tokens.sha256Hex(config.demoFeeds().token());
        upsert("demo-ota", FeedKind.OTA_XML, "OpenTravel OTA_HotelResNotifRQ push (demo)", tokenHash);
        upsert("demo-json", FeedKind.CANONICAL_JSON, "Canonical JSON push (demo)", tokenHash);
        LOG.infof("Demo feeds demo-ota and demo-json of tenant %s are ready.", TENANT);
    }

    private void upsert(String feedId, FeedKind kind, String pmsSystem, String tokenHash) {
        entityManager.createNativeQuery("""
                        insert into feed (feed_id, tenant_id, kind, pms_system, token_sha256, enabled, created_at)
                        values (:feedId, :tenant, :kind, :pmsSystem, :tokenHash, true, now())
                        on conflict (feed_id) do update set tenant_id = excluded.tenant_id, kind = excluded.kind,
                            pms_system = excluded.pms_system, token_sha256 = excluded.token_sha256, enabled = true""")
                .setParameter("feedId", feedId)
                .setParameter("tenant", TENANT)
                .setParameter("kind", kind.name())
                .setParameter("pmsSystem", pmsSystem)
                .setParameter("tokenHash", tokenHash)
                .executeUpdate();
    }
}

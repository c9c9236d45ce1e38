package org.guestcrm.testsupport;

import java.util.ArrayList;
import java.util.List;

import org.jboss.logmanager.Level;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.Logger;

/**
 * Turns down the chatty server-side categories (Kafka broker and controller internals, the mail
 * and PostgreSQL wrappers) to WARN, so test output shows the services' own logs. Client-side
 * categories (producers, consumers, admin) are left to the service's own logging configuration.
 * A category that the application configures explicitly (for example with
 * {@code quarkus.log.category."kafka".level}) still wins, because Quarkus applies its
 * configuration after the servers have started.
 */
final class QuietLogs {

    private static final List<Logger> KEPT = new ArrayList<>();

    private QuietLogs() {
    }

    static synchronized void quiet(String... categories) {
        if (Boolean.getBoolean("guestcrm.testsupport.verbose")) {
            return;
        }
        try {
            LogContext context = LogContext.getLogContext();
            for (String category : categories) {
                Logger logger = context.getLogger(category);
                if (logger.getLevel() == null) {
                    logger.setLevel(Level.WARN);
                }
                KEPT.add(logger);
            }
        } catch (LinkageError notJBossLogManager) {
            // another logging backend: leave its configuration alone
        }
    }

    static void quietKafkaServer() {
        quiet("kafka", "state.change.logger",
                "org.apache.kafka.raft", "org.apache.kafka.controller", "org.apache.kafka.metadata",
                "org.apache.kafka.image", "org.apache.kafka.server", "org.apache.kafka.storage",
                "org.apache.kafka.coordinator", "org.apache.kafka.queue", "org.apache.kafka.snapshot",
                "org.apache.kafka.common.security", "org.apache.kafka.common.network",
                "org.apache.kafka.common.utils.AppInfoParser", "org.apache.kafka.common.metrics",
                "org.apache.kafka.clients.admin", "org.apache.kafka.common.config.AbstractConfig");
    }
}

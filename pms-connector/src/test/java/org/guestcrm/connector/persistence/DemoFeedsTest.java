package org.guestcrm.connector.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.guestcrm.connector.config.ConnectorConfig;
import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The demo tenant exists only where the configuration asks for it: never with the shipped defaults. */
class DemoFeedsTest {

    private static ConnectorConfig config(String profile) throws Exception {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withProfile(profile)
                .withSources(new PropertiesConfigSource(DemoFeedsTest.class.getResource("/application.properties")))
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withMapping(ConnectorConfig.class)
                .build();
        return config.getConfigMapping(ConnectorConfig.class);
    }

    @Test
    void theDefaultConfigurationCreatesNoDemoFeed() throws Exception {
        ConnectorConfig prod = config("prod");
        assertFalse(prod.demoFeeds().enabled());
        assertEquals(List.of(), DemoFeeds.planned(prod.demoFeeds()));
        assertTrue(prod.credentials().encryptionKey().isEmpty(), "no key ships with the default configuration");
    }

    @Test
    void theTestProfileAsksForBothDemoFeeds() throws Exception {
        assertEquals(List.of("demo-ota", "demo-json"),
                DemoFeeds.planned(config("test").demoFeeds()).stream().map(DemoFeeds.DemoFeed::feedId).toList());
    }
}

package org.guestcrm.ops.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The ops console's settings ({@code ops.*}); every key can be set from the environment ({@code OPS_...}). */
@ConfigMapping(prefix = "ops")
public interface OpsConfig {

    /**
     * The services watched, as {@code name=base-url} entries ({@code ops.services} / {@code OPS_SERVICES}, comma
     * separated: {@code pms-connector=http://pms-connector:8081,profile-service=...}).
     */
    Optional<List<String>> services();

    /** {@link #services()} as name to base URL (an entry without {@code =} is its own name and URL). */
    default Map<String, String> serviceUrls() {
        Map<String, String> urls = new java.util.TreeMap<>();
        for (String entry : services().orElse(List.of())) {
            int equals = entry.indexOf('=');
            String name = equals < 0 ? entry.strip() : entry.substring(0, equals).strip();
            String url = (equals < 0 ? entry : entry.substring(equals + 1)).strip();
            urls.put(name, url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        }
        return urls;
    }

    /**
     * The token the console presents to the services' {@code /q/metrics} (role {@code ops}, every tenant):
     * {@code OPS_SERVICE_TOKEN}, from the environment only. Without it, metrics are not read (health still is).
     */
    Optional<String> serviceToken();

    /** How often consumer lag is read ({@code ./crm lag --watch} reads every 5 s too). */
    @WithDefault("5s")
    Duration lagEvery();

    /** How many readings make a lag window (Burrow's default is 10: 50 s at 5 s). */
    @WithDefault("10")
    int lagWindow();

    /** How often the services' health and metrics and the dead-letter topics are read. */
    @WithDefault("10s")
    Duration probeEvery();

    /** The watched service that owns the feeds (their raw archive and its replay): an {@link #services()} name. */
    @WithDefault("pms-connector")
    String feedsService();

    /** A feed whose last message the console saw longer ago than this is shown as silent. */
    @WithDefault("2h")
    Duration feedSilentAfter();
}

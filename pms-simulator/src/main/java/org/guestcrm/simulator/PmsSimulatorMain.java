package org.guestcrm.simulator;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator as a process for the local stack's demo. Arguments {@code --name value} or environment variables:
 * <pre>
 *   --port                PMS_SIM_PORT                 (default 8090)
 *   --apaleo-webhook-url  PMS_SIM_APALEO_WEBHOOK_URL   e.g. http://localhost:8081/api/v1/feeds/demo-apaleo/apaleo
 *   --mews-webhook-url    PMS_SIM_MEWS_WEBHOOK_URL     e.g. http://localhost:8081/api/v1/feeds/demo-mews/mews
 *   --webhook-token       PMS_SIM_WEBHOOK_TOKEN        the feed credential (sent as the basic-auth password)
 *   --apaleo-token        PMS_SIM_APALEO_TOKEN         bearer token the apaleo API accepts (default apaleo-token)
 *   --mews-client-token   PMS_SIM_MEWS_CLIENT_TOKEN    (default mews-client-token)
 *   --mews-access-token   PMS_SIM_MEWS_ACCESS_TOKEN    (default mews-access-token)
 *   --changes-token       PMS_SIM_CHANGES_TOKEN        bearer token of the changes-since and profile APIs (default changes-token)
 *   --apaleo-client-id    PMS_SIM_APALEO_CLIENT_ID     OAuth client of POST /connect/token (default apaleo-client)
 *   --apaleo-client-secret PMS_SIM_APALEO_CLIENT_SECRET (default apaleo-client-secret)
 * </pre>
 * Data is put with the control API ({@code PUT /simulator/reservations/{id}}, {@code PUT /simulator/customers/{id}},
 * {@code POST /simulator/availability}, {@code GET /simulator/status}).
 */
public final class PmsSimulatorMain {

    private PmsSimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("Arguments are --name value pairs; '" + args[i] + "' is not a name.");
            }
            given.put(args[i].substring(2), args[i + 1]);
        }
        PmsSimulator.Options defaults = PmsSimulator.Options.defaults();
        PmsSimulator.Options options = new PmsSimulator.Options(
                Integer.parseInt(setting(given, "port", "8090")),
                setting(given, "apaleo-token", defaults.apaleoAccessToken()),
                setting(given, "mews-client-token", defaults.mewsClientToken()),
                setting(given, "mews-access-token", defaults.mewsAccessToken()),
                setting(given, "changes-token", defaults.changesAccessToken()),
                defaults.apaleoAccountId(), defaults.mewsEnterpriseId(), defaults.zone(),
                setting(given, "apaleo-client-id", defaults.apaleoClientId()),
                setting(given, "apaleo-client-secret", defaults.apaleoClientSecret()));
        PmsSimulator simulator = PmsSimulator.start(options);
        String token = setting(given, "webhook-token", null);
        String apaleoUrl = setting(given, "apaleo-webhook-url", null);
        String mewsUrl = setting(given, "mews-webhook-url", null);
        if (apaleoUrl != null) {
            simulator.sendApaleoWebhooksTo(URI.create(apaleoUrl), token);
        }
        if (mewsUrl != null) {
            simulator.sendMewsWebhooksTo(URI.create(mewsUrl), token);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close));
        System.out.println("PMS simulator listening on " + simulator.baseUrl() + " (apaleo webhooks to "
                + (apaleoUrl == null ? "nobody" : apaleoUrl) + ", Mews webhooks to " + (mewsUrl == null ? "nobody" : mewsUrl)
                + ").");
        new CountDownLatch(1).await();
    }

    private static String setting(Map<String, String> given, String name, String fallback) {
        String value = given.get(name);
        if (value == null) {
            value = System.getenv("PMS_SIM_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
        return value == null || value.isBlank() ? fallback : value;
    }
}

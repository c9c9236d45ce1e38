package org.guestcrm.ops.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.guestcrm.testsupport.LocalIdentity;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The console under test watches one service: itself, on a free port chosen here (so its URL is known before it
 * starts), with a service token minted by the tests' identity. Its own /q/health and /q/metrics are real.
 */
public class WatchedSelf implements QuarkusTestResourceLifecycleManager {

    static int port;
    /** The stand-in for the pms-connector's feed replay API (the feeds service of the console under test). */
    static ConnectorPeer connector;

    @Override
    public Map<String, String> start() {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        connector = ConnectorPeer.start();
        String token = LocalIdentity.forTests().mint(Set.of("*"), Set.of("ops"), Duration.ofHours(2), "ops-console");
        return Map.of("quarkus.http.test-port", String.valueOf(port),
                "ops.services", "ops-console=http://localhost:" + port + ",connector-peer=http://127.0.0.1:" + connector.port(),
                "ops.feeds-service", "connector-peer",
                "ops.service-token", token,
                // One dead-letter topic of its own (opsc-probe.dlq), so the page's buttons have a service to act in.
                "guestcrm.dead-letters.extra-topics", OpsConsoleTest.PROBE_ORIGIN + ".dlq");
    }

    @Override
    public void stop() {
        if (connector != null) {
            connector.close();
        }
    }
}

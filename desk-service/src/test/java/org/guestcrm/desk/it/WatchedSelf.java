package org.guestcrm.desk.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.guestcrm.platform.security.Roles;
import org.guestcrm.testsupport.LocalIdentity;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The desk under test reads its own audit trail as one of the services of the usage audit (a port chosen here, so its
 * URL is known before it starts), with a service token of role admin for every tenant; and a second service that
 * answers nothing, to show a service that cannot be read. A test profile, so the application is started for it with
 * this configuration (a test resource restricted to one class did not restart the application in a suite run).
 */
public class WatchedSelf implements QuarkusTestProfile {

    /** Chosen once per JVM: the profile may be asked for its configuration more than once. */
    private static Map<String, String> overrides;

    @Override
    public synchronized Map<String, String> getConfigOverrides() {
        if (overrides == null) {
            overrides = choose();
        }
        return overrides;
    }

    private static Map<String, String> choose() {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("quarkus.http.test-port", String.valueOf(port),
                "desk.audit.services", "desk=http://localhost:" + port + ",silent=http://localhost:" + closed,
                "desk.audit.timeout", "30s");
    }

    @Override
    public java.util.List<TestResourceEntry> testResources() {
        return java.util.List.of(new TestResourceEntry(ServiceToken.class));
    }

    /** The service token, minted once the tests' identity is set up (a test resource starts after the infrastructure). */
    public static class ServiceToken implements io.quarkus.test.common.QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("desk.audit.service-token",
                    LocalIdentity.forTests().mint(Set.of("*"), Set.of(Roles.ADMIN), Duration.ofHours(3), "desk-service"));
        }

        @Override
        public void stop() {
        }
    }
}

package org.guestcrm.desk.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.guestcrm.platform.security.Roles;
import org.guestcrm.testsupport.LocalIdentity;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The desk under test reads its own audit trail as one of the services of the usage audit (a port chosen here, so its
 * URL is known before it starts), with a service token of role admin for every tenant; and a second service that
 * answers nothing, to show a service that cannot be read.
 */
public class WatchedSelf implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
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
        String token = LocalIdentity.forTests().mint(Set.of("*"), Set.of(Roles.ADMIN), Duration.ofHours(3), "desk-service");
        return Map.of("quarkus.http.test-port", String.valueOf(port),
                "desk.audit.services", "desk=http://localhost:" + port + ",silent=http://localhost:" + closed,
                "desk.audit.service-token", token,
                "desk.audit.timeout", "5s");
    }

    @Override
    public void stop() {
    }
}

package org.guestcrm.deploy;

import java.util.List;
import java.util.Map;

/**
 * One process of the local stack.
 *
 * @param name       short name, used for the pid file ({@code .crm/run/<name>.pid}) and the log ({@code .crm/logs/<name>.log})
 * @param command    the command line (a JVM)
 * @param environment extra environment variables
 * @param health     how to tell it is ready
 */
record StackPart(String name, List<String> command, Map<String, String> environment,
        HealthCheck health) {

    /** Says what is wrong, or null when the part is healthy. */
    @FunctionalInterface
    interface HealthCheck {
        String problem();
    }
}

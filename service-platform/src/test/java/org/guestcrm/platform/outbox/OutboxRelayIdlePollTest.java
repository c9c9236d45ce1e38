package org.guestcrm.platform.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class OutboxRelayIdlePollTest {

    @Test
    void idlePollDoublesFromTheConfiguredIntervalUpToTwoSeconds() {
        Duration configured = Duration.ofMillis(200);
        List<Long> pauses = new ArrayList<>();
        Duration pause = configured;
        for (int i = 0; i < 7; i++) {
            pause = OutboxRelay.nextIdlePoll(pause, configured);
            pauses.add(pause.toMillis());
        }
        assertEquals(List.of(400L, 800L, 1600L, 2000L, 2000L, 2000L, 2000L), pauses);
    }

    @Test
    void aConfiguredIntervalLongerThanTheCapIsKept() {
        Duration configured = Duration.ofSeconds(5);
        assertEquals(configured, OutboxRelay.nextIdlePoll(configured, configured));
    }
}

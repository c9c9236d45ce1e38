package org.guestcrm.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The /proc walks behind kill, stop and the PostgreSQL freeze, on a real child process group. */
class DetachedProcessTest {

    @Test
    void aDetachedProcessIsFoundByItsGroupAndByItsParent() throws Exception {
        java.nio.file.Path directory = java.nio.file.Files.createTempDirectory("detached");
        ProcessHandle leader = DetachedProcess.start(List.of("sh", "-c", "sleep 30 & wait"), Map.of(), directory,
                directory.resolve("out.log"), directory.resolve("pid"));
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (DetachedProcess.children(leader.pid()).isEmpty() && System.nanoTime() < deadline) {
                DetachedProcess.pause(Duration.ofMillis(50));
            }
            List<Long> children = DetachedProcess.children(leader.pid());
            assertFalse(children.isEmpty(), "the shell's sleep is its child");
            List<Long> group = DetachedProcess.processGroup(leader.pid());
            assertTrue(group.contains(leader.pid()) && group.containsAll(children), group + " " + children);
        } finally {
            assertTrue(DetachedProcess.killGroup(leader.pid(), Duration.ofSeconds(10)).isEmpty(), "the group is gone");
        }
    }
}

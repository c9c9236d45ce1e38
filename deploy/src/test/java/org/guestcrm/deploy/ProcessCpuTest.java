package org.guestcrm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {

    /** pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ... */
    private static String stat(long pid, String comm, long ppid, long pgrp, long utime, long stime, long cutime, long cstime) {
        return pid + " (" + comm + ") S " + ppid + " " + pgrp + " " + pgrp + " 0 -1 4194560 1200 0 3 0 " + utime + " " + stime
                + " " + cutime + " " + cstime + " 20 0 42 0 12345 4096000 2000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0";
    }

    @Test
    void parsesTheTimesAfterACommandNameWithSpacesAndParentheses() {
        ProcessCpu.Stat stat = ProcessCpu.parse(stat(4242, "java (main) x", 1, 4242, 1500, 230, 7, 3));
        assertEquals(4242, stat.pid());
        assertEquals(1, stat.parentPid());
        assertEquals(4242, stat.processGroup());
        assertEquals(1730, stat.ownTicks());
        assertEquals(10, stat.reapedChildrenTicks());
    }

    @Test
    void aPartIsItsProcessGroupAndPostgresIsThePostmasterWithItsBackendsAndTheOnesItReaped() {
        List<ProcessCpu.Stat> stats = List.of(
                ProcessCpu.parse(stat(100, "java", 1, 100, 500, 100, 0, 0)),
                ProcessCpu.parse(stat(101, "java", 100, 100, 50, 10, 0, 0)),
                ProcessCpu.parse(stat(200, "postgres", 1, 200, 20, 10, 300, 200)),
                ProcessCpu.parse(stat(201, "postgres: checkpointer", 200, 200, 5, 5, 0, 0)),
                ProcessCpu.parse(stat(202, "postgres: postgres journey 127.0.0.1(5555) idle", 200, 200, 40, 20, 0, 0)),
                ProcessCpu.parse(stat(300, "other", 1, 300, 9999, 9999, 0, 0)));
        assertEquals(660, ProcessCpu.groupTicks(stats, 100));
        assertEquals(20 + 10 + 300 + 200 + 10 + 60, ProcessCpu.treeTicks(stats, 200));
        assertEquals(0, ProcessCpu.treeTicks(stats, 999));
    }

    @Test
    void readsThisProcessFromProc() {
        assertTrue(ProcessCpu.selfTicks() > 0);
        assertTrue(ProcessCpu.all().stream().anyMatch(s -> s.pid() == ProcessHandle.current().pid()));
        assertTrue(ProcessCpu.TICKS_PER_SECOND > 0);
    }

    @Test
    void aPostgresBackendCountsForItsDatabaseAndAnyOtherChildForItsRole() {
        assertEquals("database journey", ProcessCpu.postgresRole("postgres: postgres journey 127.0.0.1(53124) idle"));
        assertEquals("database desk", ProcessCpu.postgresRole("postgres: postgres desk [local] SELECT"));
        assertEquals("checkpointer", ProcessCpu.postgresRole("postgres: checkpointer"));
        assertEquals("autovacuum worker", ProcessCpu.postgresRole("postgres: autovacuum worker journey"));
        assertEquals("background writer", ProcessCpu.postgresRole("postgres: background writer"));
        assertEquals("other", ProcessCpu.postgresRole("/usr/lib/postgresql/bin/postgres -D data"));
    }
}

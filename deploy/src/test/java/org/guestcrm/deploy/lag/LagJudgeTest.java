package org.guestcrm.deploy.lag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class LagJudgeTest {

    private final LagJudge judge = new LagJudge(4);

    /** Samples of (committed, end) pairs, one second apart, consumed by a member unless said otherwise. */
    private static List<LagSample> window(boolean consumed, long... committedThenEnd) {
        List<LagSample> samples = new ArrayList<>();
        for (int i = 0; i < committedThenEnd.length; i += 2) {
            samples.add(new LagSample(Instant.ofEpochSecond(1000 + i), committedThenEnd[i], committedThenEnd[i + 1],
                    consumed, Instant.ofEpochSecond(990)));
        }
        return samples;
    }

    @Test
    void caughtUpOnceInTheWindowIsOk() {
        assertEquals(LagState.OK, judge.judge(window(true, 10, 10, 10, 20, 10, 30, 10, 40)).state());
    }

    @Test
    void committedOffsetNotMovingWhileLagWaitsIsStalled() {
        LagJudge.Verdict verdict = judge.judge(window(true, 10, 20, 10, 20, 10, 25, 10, 25));
        assertEquals(LagState.STALLED, verdict.state());
        assertTrue(verdict.reason().contains("unchanged"), verdict.reason());
    }

    @Test
    void movingButFallingFurtherBehindIsWarning() {
        assertEquals(LagState.WARNING, judge.judge(window(true, 10, 20, 12, 25, 14, 30, 16, 36)).state());
    }

    @Test
    void behindButCatchingUpOrKeepingPaceIsOk() {
        assertEquals(LagState.OK, judge.judge(window(true, 10, 40, 20, 45, 30, 50, 40, 55)).state());
        assertEquals(LagState.OK, judge.judge(window(true, 10, 20, 20, 30, 30, 40, 40, 50)).state(),
                "constant lag with moving offsets keeps pace");
    }

    @Test
    void lagWithNoMemberIsStoppedAtOnce() {
        assertEquals(LagState.STOPPED, judge.judge(window(false, 10, 20)).state());
    }

    @Test
    void committedOffsetMovingBackIsError() {
        assertEquals(LagState.ERROR, judge.judge(window(true, 10, 20, 5, 20)).state());
    }

    @Test
    void aWindowNotFullYetShowsNoStallOrTrend() {
        LagJudge.Verdict verdict = judge.judge(window(true, 10, 20, 10, 30));
        assertEquals(LagState.OK, verdict.state());
        assertTrue(verdict.reason().contains("window filling"), verdict.reason());
    }

    @Test
    void secondsBehindComeFromTheNextUnconsumedRecord() {
        LagSample sample = new LagSample(Instant.ofEpochSecond(1000), 5, 9, true, Instant.ofEpochSecond(940));
        assertEquals(60.0, sample.secondsBehind());
        assertEquals(4, sample.lag());
        assertEquals(0.0, new LagSample(Instant.ofEpochSecond(1000), 9, 9, true, null).secondsBehind());
        assertEquals(9, new LagSample(Instant.ofEpochSecond(1000), -1, 9, true, null).lag(),
                "nothing committed: the whole log waits");
    }

    @Test
    void theWorstStateWins() {
        assertEquals(LagState.STALLED, LagState.WARNING.worse(LagState.STALLED));
        assertEquals(LagState.STOPPED, LagState.STOPPED.worse(LagState.OK));
        assertThrows(IllegalArgumentException.class, () -> new LagJudge(1));
        assertEquals(LagState.ERROR, judge.judge(List.of()).state());
    }

    @Test
    void tableFormatsSecondsForPeople() {
        assertEquals("0s", LagTable.seconds(0));
        assertEquals("4.2s", LagTable.seconds(4.2));
        assertEquals("3m05s", LagTable.seconds(185));
        assertEquals("2h10m", LagTable.seconds(7800));
    }
}

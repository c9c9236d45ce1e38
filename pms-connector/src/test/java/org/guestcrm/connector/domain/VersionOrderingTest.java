package org.guestcrm.connector.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.guestcrm.connector.domain.VersionOrdering.Decision;
import org.guestcrm.connector.domain.VersionOrdering.Held;
import org.guestcrm.connector.domain.VersionOrdering.Verdict;
import org.guestcrm.connector.domain.VersionOrdering.Version;
import org.junit.jupiter.api.Test;

class VersionOrderingTest {

    static final Duration GAP = Duration.ofHours(1);
    static final Instant T10 = Instant.parse("2026-06-01T10:00:00Z");

    static Instant t(int minutes) {
        return T10.plus(Duration.ofMinutes(minutes));
    }

    static Held held(Long sequence, Instant time, String content) {
        return new Held(sequence, 0, time, content);
    }

    static Decision decide(Held held, Long sequence, Instant time, String content) {
        return VersionOrdering.decide(held, new Version(sequence, time, content), GAP);
    }

    @Test
    void theFirstVersionIsEmittedAndTheSameContentInANewEnvelopeIsARedelivery() {
        Decision first = decide(null, null, t(0), "a");
        assertEquals(Verdict.FIRST, first.verdict());
        assertTrue(first.emit());
        // a retry with a newer TimeStamp: same content, nothing emitted, the newer version is remembered
        Decision retry = decide(first.held(), null, t(5), "a");
        assertEquals(Verdict.REDELIVERY, retry.verdict());
        assertFalse(retry.emit());
        assertEquals(t(5), retry.held().time());
        // so a late older change is stale against it
        assertEquals(Verdict.OLDER, decide(retry.held(), null, t(3), "b").verdict());
    }

    @Test
    void theIssuesCaseASequencedVersionBeatsAnUnsequencedOneAndTwoSequencedCompareBySequenceOnly() {
        Held five = held(5L, t(0), "s5");
        Decision unsequencedLater = decide(five, null, t(2), "u12");
        assertEquals(Verdict.OLDER, unsequencedLater.verdict(), "an unsequenced version never beats a sequenced one");
        Decision six = decide(unsequencedLater.held(), 6L, t(1), "s6");
        assertEquals(Verdict.NEWER, six.verdict(), "sequence 6 wins although its time is earlier than the unsequenced one's");
        assertEquals(6L, six.emittedSequence());
        assertEquals(Verdict.OLDER, decide(six.held(), 4L, t(30), "s4").verdict(), "a lower sequence loses, whatever its time");
        assertEquals(Verdict.NEWER, decide(held(null, t(50), "u"), 1L, t(0), "s1").verdict(),
                "a sequenced version beats an unsequenced one of the same reservation");
    }

    @Test
    void twoUnsequencedVersionsCompareByTimeAndAnEqualRankWithOtherContentIsEmitted() {
        Held held = held(null, t(10), "a");
        assertEquals(Verdict.OLDER, decide(held, null, t(9), "b").verdict());
        assertEquals(Verdict.NEWER, decide(held, null, t(11), "b").verdict());
        assertEquals(Verdict.NEWER, decide(held, null, t(10), "b").verdict(), "same version, corrected content");
        assertEquals(Verdict.REDELIVERY, decide(held, null, t(9), "a").verdict());
    }

    @Test
    void aSequenceResetIsDetectedAcceptedAndTheEmittedSequenceContinues() {
        Held thousand = held(1000L, t(0), "s1000");
        Decision reset = decide(thousand, 3L, t(0).plus(Duration.ofDays(2)), "r3");
        assertEquals(Verdict.SEQUENCE_RESET, reset.verdict());
        assertTrue(reset.emit());
        assertEquals(1001L, reset.emittedSequence(), "consumers comparing sequences see it as newer");
        Decision four = decide(reset.held(), 4L, t(0).plus(Duration.ofDays(2)).plusSeconds(60), "r4");
        assertEquals(Verdict.NEWER, four.verdict(), "later versions compare with the PMS's new sequence");
        assertEquals(1002L, four.emittedSequence());
        assertEquals(Verdict.OLDER, decide(four.held(), 999L, t(1), "s999").verdict(), "a late pre-reset version stays stale");
        assertEquals(Verdict.NEWER, decide(four.held(), 5L, t(0).plus(Duration.ofDays(3)), "r5").verdict());
    }

    @Test
    void aLateLowSequenceIsNoReset() {
        Held thousand = held(1000L, t(0), "s1000");
        assertEquals(Verdict.OLDER, decide(thousand, 3L, t(-600), "old").verdict(), "older time: a late message");
        assertEquals(Verdict.OLDER, decide(thousand, 3L, t(30), "soon").verdict(), "less than the gap later");
        assertEquals(Verdict.OLDER, decide(thousand, 900L, t(6000), "small drop").verdict(), "a drop of less than half");
    }

    @Test
    void theRankIsTransitive() {
        List<Version> versions = new ArrayList<>();
        for (Long sequence : new Long[] {null, 1L, 2L, 7L}) {
            for (int minute : new int[] {0, 5, 9}) {
                versions.add(new Version(sequence, t(minute), "c"));
            }
        }
        for (Version a : versions) {
            for (Version b : versions) {
                for (Version c : versions) {
                    if (rank(a, b) > 0 && rank(b, c) > 0) {
                        assertTrue(rank(a, c) > 0, a + " > " + b + " > " + c);
                    }
                    if (rank(a, b) >= 0 && rank(b, c) >= 0) {
                        assertTrue(rank(a, c) >= 0, a + " >= " + b + " >= " + c);
                    }
                }
            }
        }
    }

    private static int rank(Version incoming, Version held) {
        return VersionOrdering.compare(incoming, new Held(held.sequence(), 0, held.time(), held.contentSha256()));
    }
}

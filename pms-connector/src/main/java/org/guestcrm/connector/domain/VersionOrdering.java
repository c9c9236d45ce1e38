package org.guestcrm.connector.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The connector's one ordering rule for a reservation's (or profile's) versions, and its logical deduplication.
 *
 * <p>A version is ranked lexicographically by (has a PMS sequence, then the sequence, else the version time): a
 * sequenced version beats an unsequenced one of the same aggregate, two sequenced ones compare by sequence only, two
 * unsequenced ones by version time (the PMS modification time, else the receive time). A lexicographic order is a total
 * preorder, so the rule is transitive. A version equal to or older than the held one by that rank, carrying the same
 * content, is a redelivery; an older one with other content is stale. Neither is emitted.
 *
 * <p>The one exception is a detected <b>sequence reset</b>: a sequence that drops to at most half of the held one while
 * its version time is at least {@code resetMinGap} later than the held one's. It is accepted as newest and re-bases the
 * aggregate: the emitted sequence continues from the held emitted one ({@code offset}), so consumers comparing
 * sequences see it, and every later version compares with the new PMS sequence. The reset's version time starts a new
 * epoch: a sequenced version timed before it belongs to the old numbering and is older whatever its sequence, so the
 * rank after a reset is (has a sequence, epoch, sequence), still lexicographic.
 */
public final class VersionOrdering {

    private VersionOrdering() {
    }

    /** A version as received: PMS sequence (or null), version time, SHA-256 of the canonical content (envelope excluded). */
    public record Version(Long sequence, Instant time, String contentSha256) {
        public Version {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(contentSha256, "contentSha256");
        }
    }

    /** What the connector holds for an aggregate: the last emitted content and the newest version seen of it. */
    public record Held(Long sequence, long sequenceOffset, Instant time, String contentSha256, Instant epochStart) {
        public Held(Long sequence, long sequenceOffset, Instant time, String contentSha256) {
            this(sequence, sequenceOffset, time, contentSha256, null);
        }
    }

    public enum Verdict {
        /** Nothing held yet: emitted. */
        FIRST,
        /** Newer (or equal rank) with other content: emitted. */
        NEWER,
        /** Same content as held (a new envelope, a retry): nothing emitted. */
        REDELIVERY,
        /** Older than held with other content: nothing emitted. */
        OLDER,
        /** The PMS restarted its sequence: emitted when the content differs. */
        SEQUENCE_RESET
    }

    /**
     * @param emit             whether an event goes out
     * @param held             what to hold afterwards
     * @param emittedSequence  the pmsSequence an emitted event carries (PMS sequence + offset), or null
     */
    public record Decision(Verdict verdict, boolean emit, Held held, Long emittedSequence) {
    }

    public static Decision decide(Held held, Version incoming, Duration resetMinGap) {
        if (held == null || held.contentSha256() == null) {
            return new Decision(Verdict.FIRST, true, new Held(incoming.sequence(), 0, incoming.time(),
                    incoming.contentSha256()), incoming.sequence());
        }
        boolean sameContent = held.contentSha256().equals(incoming.contentSha256());
        if (isReset(held, incoming, resetMinGap)) {
            long offset = held.sequence() + held.sequenceOffset() + 1 - incoming.sequence();
            Held next = new Held(incoming.sequence(), offset, incoming.time(), incoming.contentSha256(), incoming.time());
            return new Decision(Verdict.SEQUENCE_RESET, !sameContent, next, incoming.sequence() + offset);
        }
        int rank = compare(incoming, held);
        if (sameContent) {
            Held next = rank > 0 ? new Held(incoming.sequence(), held.sequenceOffset(), incoming.time(), held.contentSha256(),
                    held.epochStart()) : held;
            return new Decision(Verdict.REDELIVERY, false, next, null);
        }
        if (rank < 0) {
            return new Decision(Verdict.OLDER, false, held, null);
        }
        Held next = new Held(incoming.sequence(), held.sequenceOffset(), incoming.time(), incoming.contentSha256(),
                held.epochStart());
        return new Decision(Verdict.NEWER, true, next,
                incoming.sequence() == null ? null : incoming.sequence() + held.sequenceOffset());
    }

    /** The rank: positive when {@code incoming} is newer than {@code held}, 0 when equal. */
    static int compare(Version incoming, Held held) {
        if (incoming.sequence() != null && held.sequence() != null) {
            if (held.epochStart() != null && incoming.time().isBefore(held.epochStart())) {
                return -1;
            }
            return Long.compare(incoming.sequence(), held.sequence());
        }
        if (incoming.sequence() != null) {
            return 1;
        }
        if (held.sequence() != null) {
            return -1;
        }
        return incoming.time().compareTo(held.time());
    }

    static boolean isReset(Held held, Version incoming, Duration resetMinGap) {
        return incoming.sequence() != null && held.sequence() != null
                && incoming.sequence() < held.sequence()
                && incoming.sequence() <= held.sequence() / 2
                && held.time() != null
                && !incoming.time().isBefore(held.time().plus(resetMinGap));
    }
}

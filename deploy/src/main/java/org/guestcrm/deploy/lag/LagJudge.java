package org.guestcrm.deploy.lag;

import java.util.List;

/**
 * Judges one partition of one group over a window of samples, oldest first, after Burrow's rules:
 * <ol>
 * <li>lag zero in any sample of the window: {@link LagState#OK} (it caught up);</li>
 * <li>the committed offset fell between two samples: {@link LagState#ERROR} (rewound or lost);</li>
 * <li>no member consumes the partition in the latest sample and lag is above zero: {@link LagState#STOPPED};</li>
 * <li>a full window, the committed offset the same in every sample and lag above zero: {@link LagState#STALLED};</li>
 * <li>a full window and the lag grew between every two samples (never fell): {@link LagState#WARNING};</li>
 * <li>otherwise {@link LagState#OK}: behind, but keeping pace or catching up.</li>
 * </ol>
 * A window that is not full yet cannot show a stall or a trend, so it judges rules 1 to 3 only.
 */
public final class LagJudge {

    /** A judgement and the sentence that explains it (no personal data: offsets and counts only). */
    public record Verdict(LagState state, String reason) {
    }

    private final int windowSize;

    /** @param windowSize how many samples make a full window (Burrow's default is 10; at least 2) */
    public LagJudge(int windowSize) {
        if (windowSize < 2) {
            throw new IllegalArgumentException("A window needs at least 2 samples");
        }
        this.windowSize = windowSize;
    }

    public int windowSize() {
        return windowSize;
    }

    public Verdict judge(List<LagSample> window) {
        if (window.isEmpty()) {
            return new Verdict(LagState.ERROR, "no sample");
        }
        LagSample last = window.get(window.size() - 1);
        if (window.stream().anyMatch(s -> s.lag() == 0)) {
            return new Verdict(LagState.OK, last.lag() == 0 ? "caught up" : "caught up within the window");
        }
        for (int i = 1; i < window.size(); i++) {
            if (window.get(i).committed() < window.get(i - 1).committed()) {
                return new Verdict(LagState.ERROR, "committed offset moved back from " + window.get(i - 1).committed()
                        + " to " + window.get(i).committed());
            }
        }
        if (!last.consumed()) {
            return new Verdict(LagState.STOPPED, "no member consumes it, " + last.lag() + " records waiting");
        }
        if (window.size() < windowSize) {
            return new Verdict(LagState.OK, "behind by " + last.lag() + ", window filling (" + window.size() + "/"
                    + windowSize + ")");
        }
        LagSample first = window.get(0);
        if (window.stream().allMatch(s -> s.committed() == first.committed())) {
            return new Verdict(LagState.STALLED, "committed offset " + first.committed() + " unchanged over "
                    + window.size() + " samples while " + last.lag() + " records wait");
        }
        boolean growing = last.lag() > first.lag();
        for (int i = 1; i < window.size() && growing; i++) {
            growing = window.get(i).lag() >= window.get(i - 1).lag();
        }
        if (growing) {
            return new Verdict(LagState.WARNING, "lag grew from " + first.lag() + " to " + last.lag() + " over "
                    + window.size() + " samples");
        }
        return new Verdict(LagState.OK, "behind by " + last.lag() + ", keeping pace");
    }
}

package org.guestcrm.profile.domain.matching;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether m/u fitted to one tenant's own profiles ({@link ParameterEstimation}) may replace the fixed set for that
 * tenant's decisions. A fit is used only when it learned from enough data and says what a match model must say: EM
 * converged; enough profiles and training pairs; for every fitted field its exact level is evidence for a match (at
 * least one bit) and its "different" level evidence against one (at most zero bits); every weight finite. Anything else
 * (a tenant of a few hundred profiles, a feed that sends the same placeholder birth date for everyone) keeps the fixed
 * set, and the problems are kept with the fit.
 */
public final class FittedParameterCheck {

    /** The smallest tenant whose own fit is trusted, and the fewest training pairs. */
    public record Limits(int minProfiles, long minTrainingPairs) {
        public static final Limits STANDARD = new Limits(1_000, 200);
    }

    /** The verdict: accepted, or the problems found (sentences without personal data). */
    public record Verdict(boolean accepted, List<String> problems) {
    }

    private FittedParameterCheck() {
    }

    public static Verdict check(ParameterEstimation.Fit fit, int profiles, Limits limits) {
        List<String> problems = new ArrayList<>();
        if (profiles < limits.minProfiles()) {
            problems.add("fitted on " + profiles + " profiles, fewer than " + limits.minProfiles());
        }
        if (fit.trainingPairs() < limits.minTrainingPairs()) {
            problems.add(fit.trainingPairs() + " training pairs, fewer than " + limits.minTrainingPairs());
        }
        if (!fit.converged()) {
            problems.add("expectation-maximisation did not converge");
        }
        if (fit.m().isEmpty()) {
            problems.add("no field could be fitted");
        }
        Map<String, MatchModel.Level> levels = fit.model().levels();
        for (String field : fit.m().keySet()) {
            List<Map.Entry<String, MatchModel.Level>> ofField = levels.entrySet().stream()
                    .filter(e -> e.getKey().startsWith(field + "/")).toList();
            if (ofField.isEmpty()) {
                continue;
            }
            for (Map.Entry<String, MatchModel.Level> e : ofField) {
                double w = e.getValue().weight();
                if (Double.isNaN(w) || Double.isInfinite(w)) {
                    problems.add(e.getKey() + " has no finite weight");
                }
            }
            MatchModel.Level exact = ofField.get(0).getValue();
            MatchModel.Level different = ofField.get(ofField.size() - 1).getValue();
            if (!(exact.weight() >= 1)) {
                problems.add(field + " exact weighs " + String.format(java.util.Locale.ROOT, "%.2f", exact.weight())
                        + " bits, less than 1: no evidence for a match");
            }
            if (!(different.weight() <= 0)) {
                problems.add(field + " different weighs " + String.format(java.util.Locale.ROOT, "%+.2f",
                        different.weight()) + " bits, more than 0: evidence for a match");
            }
        }
        return new Verdict(problems.isEmpty(), List.copyOf(problems));
    }
}

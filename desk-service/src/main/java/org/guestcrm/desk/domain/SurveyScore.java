package org.guestcrm.desk.domain;

/**
 * The Net Promoter reading of a survey's 0-10 score: promoters 9-10, passives 7-8, detractors 0-6;
 * NPS = % promoters - % detractors (-100 to 100). Ratings by aspect are 1-5.
 */
public final class SurveyScore {

    public static final int LOWEST = 0;
    public static final int HIGHEST = 10;
    public static final int LOWEST_RATING = 1;
    public static final int HIGHEST_RATING = 5;

    private SurveyScore() {
    }

    public static boolean valid(int score) {
        return score >= LOWEST && score <= HIGHEST;
    }

    public static boolean validRating(int rating) {
        return rating >= LOWEST_RATING && rating <= HIGHEST_RATING;
    }

    public static boolean promoter(int score) {
        return score >= 9;
    }

    public static boolean detractor(int score) {
        return score <= 6;
    }

    /** A detractor who wrote something is called back (service recovery); a bare low score is only counted. */
    public static boolean needsRecovery(int score, String comment) {
        return detractor(score) && comment != null && !comment.isBlank();
    }

    /** NPS of {@code responses} answers, rounded to one decimal; null without answers. */
    public static Double nps(long promoters, long detractors, long responses) {
        if (responses == 0) {
            return null;
        }
        return Math.round((promoters - detractors) * 1000.0 / responses) / 10.0;
    }
}

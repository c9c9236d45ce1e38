package org.guestcrm.desk.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SurveyScoreTest {

    @Test
    void promotersPassivesAndDetractorsByTheNetPromoterBands() {
        assertTrue(SurveyScore.detractor(0));
        assertTrue(SurveyScore.detractor(6));
        assertFalse(SurveyScore.detractor(7));
        assertFalse(SurveyScore.promoter(8));
        assertTrue(SurveyScore.promoter(9));
        assertTrue(SurveyScore.promoter(10));
        assertFalse(SurveyScore.valid(-1));
        assertFalse(SurveyScore.valid(11));
        assertFalse(SurveyScore.validRating(0));
        assertTrue(SurveyScore.validRating(5));
        assertFalse(SurveyScore.validRating(6));
    }

    @Test
    void npsIsPercentPromotersMinusPercentDetractors() {
        assertEquals(-25.0, SurveyScore.nps(1, 2, 4));
        assertEquals(100.0, SurveyScore.nps(3, 0, 3));
        assertEquals(33.3, SurveyScore.nps(2, 1, 3));
        assertNull(SurveyScore.nps(0, 0, 0));
    }

    @Test
    void onlyADetractorWhoWroteSomethingIsCalledBack() {
        assertTrue(SurveyScore.needsRecovery(6, "noisy"));
        assertFalse(SurveyScore.needsRecovery(6, "   "));
        assertFalse(SurveyScore.needsRecovery(6, null));
        assertFalse(SurveyScore.needsRecovery(7, "fine"));
    }
}

package org.guestcrm.journey.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SurveyAnswerTest {

    private static final List<String> ASPECTS = List.of("room", "cleanliness", "staff", "breakfast", "value");

    private static SurveyAnswer.Reading read(String... nameValues) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            fields.computeIfAbsent(nameValues[i], k -> new java.util.ArrayList<>()).add(nameValues[i + 1]);
        }
        return SurveyAnswer.read(fields, ASPECTS, Set.of("lang"));
    }

    private static Map<String, String> errors(SurveyAnswer.Reading reading) {
        return ((SurveyAnswer.Invalid) reading).errors();
    }

    @Test
    void aScoreAloneIsAnAnswerAndEmptyRatingsAndCommentAreNone() {
        SurveyAnswer answer = ((SurveyAnswer.Valid) read("score", "0", "rating.room", "", "comment", "  ", "lang", "fr"))
                .answer();
        assertEquals(0, answer.score());
        assertEquals(Map.of(), answer.ratings());
        assertNull(answer.comment());
        SurveyAnswer full = ((SurveyAnswer.Valid) read("score", "10", "rating.room", "1", "rating.value", "5",
                "comment", " Great\r\nstay ")).answer();
        assertEquals(10, full.score());
        assertEquals(Map.of("room", 1, "value", 5), full.ratings());
        assertEquals("Great\nstay", full.comment());
    }

    @Test
    void eachBadFieldIsNamedWithItsReason() {
        assertEquals(Map.of("score", "required"), errors(read("comment", "hi")));
        assertEquals(Map.of("score", "score-range"), errors(read("score", "11")));
        assertEquals(Map.of("score", "score-range"), errors(read("score", "-1")));
        assertEquals(Map.of("score", "score-range"), errors(read("score", "7.5")));
        assertEquals(Map.of("rating.room", "rating-range"), errors(read("score", "5", "rating.room", "0")));
        assertEquals(Map.of("rating.staff", "rating-range"), errors(read("score", "5", "rating.staff", "6")));
        assertEquals(Map.of("rating.spa", "unknown-aspect"), errors(read("score", "5", "rating.spa", "3")));
        assertEquals(Map.of("comment", "comment-length"), errors(read("score", "5", "comment", "a".repeat(2001))));
        assertEquals(Map.of("score", "single-value"), errors(read("score", "5", "score", "6")));
        // All at once, in the order of the form.
        assertEquals(List.of("score", "rating.room", "rating.spa", "comment"), List.copyOf(errors(read(
                "score", "11", "rating.room", "0", "rating.spa", "1", "comment", "b".repeat(2001))).keySet()));
    }

    @Test
    void theCommentLimitCountsCharactersNotBytes() {
        assertEquals(2000, ((SurveyAnswer.Valid) read("score", "8", "comment", "é".repeat(2000))).answer().comment()
                .length());
        String emoji = "\uD83D\uDE00".repeat(2000);
        assertEquals(emoji, ((SurveyAnswer.Valid) read("score", "8", "comment", emoji)).answer().comment());
        assertEquals(Map.of("comment", "comment-length"), errors(read("score", "8", "comment", emoji + "x")));
    }

    @Test
    void aHotelsOwnAspectsAreTheOnlyOnesAsked() {
        Map<String, List<String>> fields = Map.of("score", List.of("9"), "rating.spa", List.of("5"),
                "rating.breakfast", List.of("4"));
        assertEquals(Map.of("rating.breakfast", "unknown-aspect"),
                ((SurveyAnswer.Invalid) SurveyAnswer.read(fields, List.of("room", "spa"), Set.of())).errors());
    }
}

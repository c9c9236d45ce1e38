package org.guestcrm.profile.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.guestcrm.profile.domain.matching.EmailEvidence;
import org.guestcrm.profile.domain.matching.LinkageEvaluation;
import org.junit.jupiter.api.Test;

/** The evaluation entry point: how it reads files with ground truth, and what it prints. */
class DedupEvalTest {

    private static final EmailEvidence EMAILS = EmailEvidence.standard();

    @Test
    void readsTheClusterColumnAndQuotedFields() throws IOException {
        List<LinkageEvaluation.Labelled> data = read("""
                unique_id,first_name,surname,dob,city,email,cluster
                0,Robert,Alan,1971-06-24,,robert255@smith.net,0
                1,"Allen, Jr",Rob,1971-05-24,"London",,0
                2,,,,,,7
                """, null);
        assertEquals(3, data.size());
        assertEquals("0", data.get(0).truth());
        assertEquals("19710624", data.get(0).record().birthDate());
        assertEquals("robert255@smith.net", data.get(0).record().email());
        assertEquals("allenjr", data.get(1).record().givenName());
        assertEquals("london", data.get(1).record().city());
        assertNull(data.get(1).record().email());
        assertEquals("7", data.get(2).truth());
    }

    @Test
    void readsFebrlIdsAsTruthAndTheDocumentColumnOnlyWhenAsked() throws IOException {
        String febrl = """
                rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id
                rec-223-org, , waller, 6, tullaroop street, willaroo, st james, 4011, wa, 19081209, 6988048
                rec-223-dup-0, anna, waller, , tullaroop st, willaroo, st james, 4011, wa, 19081209, 6988043
                """;
        List<LinkageEvaluation.Labelled> without = read(febrl, null);
        assertEquals("223", without.get(0).truth());
        assertEquals("223", without.get(1).truth());
        assertEquals("6tullaroopstreet", without.get(0).record().street());
        assertEquals("4011", without.get(0).record().postcode());
        assertEquals("stjames", without.get(0).record().city());
        assertNull(without.get(0).record().documentNumber());
        assertEquals("6988048", read(febrl, "soc_sec_id").get(0).record().documentNumber());
    }

    @Test
    void aFileWithoutIdOrTruthIsRefusedSayingWhy() {
        IllegalArgumentException noId = assertThrows(IllegalArgumentException.class,
                () -> read("name,cluster\nanna,1\n", null));
        assertTrue(noId.getMessage().contains("no id column"), noId.getMessage());
        IllegalArgumentException noTruth = assertThrows(IllegalArgumentException.class,
                () -> read("id,first_name\n17,anna\n", null));
        assertTrue(noTruth.getMessage().contains("row 2 has no truth"), noTruth.getMessage());
        IllegalArgumentException noDocument = assertThrows(IllegalArgumentException.class,
                () -> read("id,cluster\n1,1\n", "passport"));
        assertTrue(noDocument.getMessage().contains("no column passport"), noDocument.getMessage());
    }

    @Test
    void mainPrintsPairwiseFiguresForTheFixedAndTheFittedModel() throws Exception {
        Path file = Path.of(DedupEvalTest.class.getResource("/dedup/fake_1000.csv").toURI());
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            DedupEval.main(new String[] {"--fitted", file.toString()});
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.print(out);
        assertTrue(out.contains("(fixed m/u)"), out);
        assertTrue(out.contains("(fitted m/u)"), out);
        assertTrue(out.contains("true pairs  2031"), out);
        // fs-4's fixed set on fake_1000: precision 1.000, recall 0.907, F1 0.951 (canvas).
        assertTrue(out.matches("(?s).*fixed m/u.*precision 1\\.000  recall 0\\.9\\d\\d  F1 0\\.9[5-9]\\d.*"), out);
        assertTrue(out.contains("birthDate/exact"), out);
    }

    private static List<LinkageEvaluation.Labelled> read(String csv, String documentColumn) throws IOException {
        return DedupEval.read(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), documentColumn, EMAILS);
    }
}

package org.guestcrm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class PipelineBenchmarkTest {

    @Test
    void percentilesUseTheNearestRank() {
        long[] values = { 5, 1, 4, 2, 3, 10, 9, 8, 7, 6 };
        assertEquals(5, PipelineBenchmark.percentile(values, 50));
        assertEquals(10, PipelineBenchmark.percentile(values, 95));
        assertEquals(10, PipelineBenchmark.percentile(values, 100));
        assertEquals(1, PipelineBenchmark.percentile(values, 1));
        assertEquals(0, PipelineBenchmark.percentile(new long[0], 50));
    }

    @Test
    void theBenchmarkMessageIsAWellFormedOtaBookingWithItsOwnIdAndDates() throws Exception {
        String xml = PipelineBenchmark.message("BENCH-x-7", LocalDate.of(2027, 3, 1), "guest-x-7");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        assertEquals("OTA_HotelResNotifRQ", document.getDocumentElement().getLocalName());
        assertEquals("BENCH-x-7", ((org.w3c.dom.Element) document.getElementsByTagNameNS("*", "HotelReservationID").item(0))
                .getAttribute("ResID_Value"));
        org.w3c.dom.Element span = (org.w3c.dom.Element) document.getElementsByTagNameNS("*", "TimeSpan").item(0);
        assertEquals("2027-03-01", span.getAttribute("Start"));
        assertEquals("2027-03-04", span.getAttribute("End"));
        assertTrue(xml.contains("guest-x-7@bench.example"));
    }

    @Test
    void theTableGivesEachDatabasesWorkPerBookingAndTheirCommitsPerSecond() {
        java.util.Map<String, DatabaseWork.Counters> before = java.util.Map.of(
                "journey", new DatabaseWork.Counters(100, 0, 1000, 500, 0, 9000),
                "desk", new DatabaseWork.Counters(10, 1, 10, 10, 10, 10));
        java.util.Map<String, DatabaseWork.Counters> after = java.util.Map.of(
                "journey", new DatabaseWork.Counters(450, 0, 2600, 1410, 0, 12000),
                "desk", new DatabaseWork.Counters(50, 1, 210, 60, 10, 110),
                "ops", new DatabaseWork.Counters(5, 0, 0, 0, 0, 0));
        java.util.Map<String, DatabaseWork.Counters> delta = DatabaseWork.delta(before, after);
        assertEquals(java.util.Set.of("journey", "desk"), delta.keySet(), "a database read only once has no delta");
        PipelineBenchmark.Result result = new PipelineBenchmark.Result(100, 4, 1, new long[] { 1 }, new long[] { 1 }, 1, 0,
                new long[] { 1 }, java.util.Map.of(), java.util.Map.of(), java.util.Map.of(), 10.0, "fsync=on", java.util.List.of(),
                delta);
        java.util.List<String> lines = PipelineBenchmark.table(result);
        String journey = lines.stream().filter(l -> l.startsWith("PostgreSQL database journey")).findFirst().orElseThrow();
        assertTrue(journey.contains("3.50") && journey.contains("commits/booking"), journey);
        assertTrue(journey.contains("25.1 rows written (16.0 ins, 9.1 upd, 0.0 del), 30.0 read"), journey);
        String total = lines.stream().filter(l -> l.startsWith("PostgreSQL all service databases")).findFirst().orElseThrow();
        assertTrue(total.contains("3.90") && total.contains("39 commits/s"), total);
    }
}

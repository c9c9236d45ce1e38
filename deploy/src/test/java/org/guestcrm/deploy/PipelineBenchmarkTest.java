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
}

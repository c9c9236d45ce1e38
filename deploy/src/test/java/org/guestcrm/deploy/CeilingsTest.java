package org.guestcrm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CeilingsTest {

    @Test
    void theProducerRateIsTheFinalSummaryNotAnIntervalLine() {
        String output = """
                149956 records sent, 29985.2 records/sec (14.30 MB/sec), 1403.6 ms avg latency, 2158.0 ms max latency.
                300000 records sent, 61274.5 records/sec (29.22 MB/sec), 1104.33 ms avg latency, 2158.00 ms max latency, 1024 ms 50th, 2015 ms 95th, 2100 ms 99th, 2150 ms 99.9th.
                """;
        assertEquals(61274.5, Ceilings.producerRate(output), 0.001);
        assertTrue(Double.isNaN(Ceilings.producerRate("Exception in thread main")));
    }
}

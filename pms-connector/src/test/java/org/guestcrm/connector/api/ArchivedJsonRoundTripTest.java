package org.guestcrm.connector.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The raw archive keeps a canonical reservation as its DTO re-serialised (so unknown fields such as a card never reach
 * the database); a replay reads that text back. It must read back to the same reservation, every field.
 */
class ArchivedJsonRoundTripTest {

    private final ObjectMapper quarkusLike = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final CanonicalJsonReader reader = new CanonicalJsonReader(quarkusLike);

    @Test
    void anArchivedReservationReadsBackToTheSameReservation() throws Exception {
        String pushed = """
                {"hotelCode":"BER","hotelName":"Berlin","pmsReservationId":"R-1","status":"CONFIRMED","changeType":"MODIFIED",
                 "arrival":"2027-07-01","departure":"2027-07-04","pmsSequence":7,"pmsModifiedAt":"2027-06-01T10:15:30+02:00",
                 "totalAmount":{"amount":399.90,"currency":"EUR"},"totalAmountIncludesTax":true,"adults":2,"children":1,
                 "comments":["late arrival"],"externalReferences":{"channel":"X-1"},
                 "extraServices":[{"code":"BRK","quantity":2,"serviceDate":"2027-07-02","amount":{"amount":20,"currency":"EUR"}}],
                 "guests":[{"pmsProfileId":"P1","firstName":"Anna","lastName":"Line","emails":["r..m51@leonard.net"],
                            "birthDate":"1961-02-30"}],
                 "paymentCard":{"number":"4111111111111111"}}
                """;
        CanonicalReservation dto = reader.read(pushed.getBytes(StandardCharsets.UTF_8));
        String archived = quarkusLike.writeValueAsString(dto);
        CanonicalReservation replayed = reader.read(archived.getBytes(StandardCharsets.UTF_8));
        assertEquals(dto, replayed, archived);
        assertEquals(java.time.LocalDate.parse("2027-07-04"), replayed.departure());
        assertEquals(false, archived.contains("4111111111111111"), "unknown fields are not archived");
    }
}

package org.guestcrm.connector.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LimitsTest {

    @Test
    void amountsAreCheckedAsTextBeforeTheyBecomeNumbers() {
        assertEquals(new BigDecimal("399.90"), NumberLexemes.amount("399.90"));
        assertEquals(0, new BigDecimal("150").compareTo(NumberLexemes.amount("1.5e2")));
        assertEquals(new BigDecimal("999999999999999.9999"), NumberLexemes.amount("999999999999999.9999"));
        assertEquals(0, new BigDecimal("1.5").compareTo(NumberLexemes.amount("1.50000000")), "trailing zeros do not count");
        for (String hostile : List.of("1e99999999", "1E+999999999", "1234567890123456789012345", "1e16", "1.00001",
                "-1e-9999", "0x10", "", " ", "Infinity", "1".repeat(41))) {
            assertThrows(NumberLexemes.NumberRejected.class, () -> NumberLexemes.amount(hostile), hostile);
        }
    }

    @Test
    void integersAreCheckedAsText() {
        assertEquals(4, NumberLexemes.nonNegative("4", 4));
        assertThrows(NumberLexemes.NumberRejected.class, () -> NumberLexemes.nonNegative("999999999", 4));
        assertThrows(NumberLexemes.NumberRejected.class, () -> NumberLexemes.nonNegative("-1", 4));
        assertThrows(NumberLexemes.NumberRejected.class, () -> NumberLexemes.integer("1234567890", 9));
        assertEquals(-12, NumberLexemes.integer("-12", 9));
    }

    @Test
    void theCanonicalModelNamesEveryFieldOverItsLimit() {
        GuestProfile guest = new GuestProfile("P1", false, true, null, null, "A".repeat(150), null, "B".repeat(151),
                LocalDate.of(1850, 1, 1), null, null, null,
                List.of(new GuestProfile.Email("a".repeat(230) + "@example.org", null, true)), List.of(), List.of(),
                null, null, null, null);
        Reservation reservation = new Reservation("H".repeat(101), null, null, "R".repeat(191), Map.of(),
                ReservationStatus.CONFIRMED, ReservationChangeType.CREATED, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 2),
                null, null, null, null, null, new Amount(new BigDecimal("1E+20"), "EUR"), null, null, null, null, null,
                null, null, null, 1, 0, List.of(), List.of(), List.of(guest));
        List<String> fields = CanonicalLimits.violations(reservation).stream().map(ReservationRules.Violation::field).toList();
        assertEquals(List.of("hotelCode", "pmsReservationId", "totalAmount.amount", "guests[0].firstName",
                "guests[0].lastName", "guests[0].birthDate", "guests[0].emails[0]"), fields);
        assertTrue(CanonicalLimits.violations(reservation).stream().noneMatch(v -> v.message().contains("HHH")));
    }

    @Test
    void aSyntheticProfileIdStillFitsTheProfileColumn() {
        String longest = "R".repeat(CanonicalLimits.PMS_RESERVATION_ID) + "-G" + CanonicalLimits.GUESTS_PER_MESSAGE;
        assertTrue(longest.length() <= CanonicalLimits.PMS_PROFILE_ID);
    }

    @Test
    void theTokenBucketRefillsAndSaysWhenToRetry() {
        long[] now = {0};
        TokenBucket bucket = new TokenBucket(2, 0.5, () -> now[0]);
        assertEquals(0, bucket.tryTake());
        assertEquals(0, bucket.tryTake());
        assertEquals(2, bucket.tryTake(), "one token every 2 s");
        now[0] += 2_000_000_000L;
        assertEquals(0, bucket.tryTake());
        assertEquals(2, bucket.tryTake());
    }

    @Test
    void signaturesAndEncryptedSecretsRoundTrip() {
        byte[] secret = "s3cret".getBytes();
        byte[] body = "{}".getBytes();
        String header = RequestSignature.sign(secret, 1_700_000_000L, body);
        byte[] presented = RequestSignature.parseSignature(header);
        assertTrue(RequestSignature.matches(secret, 1_700_000_000L, body, presented));
        assertTrue(!RequestSignature.matches(secret, 1_700_000_001L, body, presented), "the timestamp is signed");
        assertTrue(!RequestSignature.matches(secret, 1_700_000_000L, "{ }".getBytes(), presented), "the body is signed");
        assertEquals(null, RequestSignature.parseSignature("sha256=zz"));

        SecretCipher cipher = SecretCipher.fromBase64("dGVzdC1vbmx5LWtleS1mb3ItZmVlZC1jcmVkZW50aWE=");
        byte[] sealed = cipher.encrypt(secret, "cred-1");
        assertEquals("s3cret", new String(cipher.decrypt(sealed, "cred-1")));
        assertThrows(IllegalStateException.class, () -> cipher.decrypt(sealed, "cred-2"), "bound to its credential");
    }
}

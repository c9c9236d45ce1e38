package org.guestcrm.platform.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void anUnreachableServerOrALockConflictIsTransient() {
        assertTrue(Failures.isTransient(new RuntimeException(new ConnectException("Connection refused"))));
        assertTrue(Failures.isTransient(new IllegalStateException(new SQLException("terminating", "57P01"))));
        assertTrue(Failures.isTransient(new SQLException("connection failure", "08006")));
        assertTrue(Failures.isTransient(new SQLException("deadlock detected", "40P01")));
        assertTrue(Failures.isTransient(new SQLException("Sorry, acquisition timeout!")));
        assertTrue(Failures.isTransient(new org.apache.kafka.common.errors.TimeoutException("no ack")));
    }

    @Test
    void aBrokenRecordOrAConstraintViolationIsNot() {
        assertFalse(Failures.isTransient(new PoisonRecordException("pmsProfileId is missing")));
        assertFalse(Failures.isTransient(new PoisonRecordException("wrapped", new ConnectException("x"))));
        assertFalse(Failures.isTransient(new SQLException("duplicate key", "23505")));
        assertFalse(Failures.isTransient(new IllegalArgumentException("bad value")));
    }

    @Test
    void theDescriptionNamesTheFailureButNeverQuotesItsData() {
        SQLException unique = new SQLException("duplicate key value violates unique constraint: (anna@example.com)",
                "23505");
        String description = Failures.describe(new RuntimeException("wrapper with anna@example.com", unique));
        assertEquals("RuntimeException (SQL state 23505)", description);
        assertFalse(description.contains("anna"));
        assertEquals("pmsProfileId is missing", Failures.describe(new PoisonRecordException("pmsProfileId is missing")));
    }
}

package org.guestcrm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.guestcrm.testsupport.LocalIdentity;

class TokenRequestTest {

    @Test
    void defaultsAreTenantDemoEveryRoleEightHoursLocalAdmin() {
        Crm.TokenRequest request = Crm.TokenRequest.parse(List.of());
        assertEquals(Set.of("demo"), request.tenants());
        assertEquals(LocalIdentity.ALL_ROLES, request.roles());
        assertEquals(Duration.ofHours(8), request.ttl());
        assertEquals("local-admin", request.subject());
    }

    @Test
    void tenantsAndRolesRepeatAndTheTtlTakesUnitsOrIso() {
        Crm.TokenRequest request = Crm.TokenRequest.parse(List.of("--tenant", "demo", "--tenant", "*", "--role", "viewer",
                "--role", "ops", "--ttl", "30m", "--subject", "night-audit"));
        assertEquals(Set.of("demo", "*"), request.tenants());
        assertEquals(Set.of("viewer", "ops"), request.roles());
        assertEquals(Duration.ofMinutes(30), request.ttl());
        assertEquals("night-audit", request.subject());
        assertEquals(Duration.ofSeconds(90), Crm.TokenRequest.duration("90s"));
        assertEquals(Duration.ofDays(2), Crm.TokenRequest.duration("2d"));
        assertEquals(Duration.ofHours(8), Crm.TokenRequest.duration("PT8H"));
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        assertThrows(StackException.class, () -> Crm.TokenRequest.parse(List.of("--role", "root")));
        assertThrows(StackException.class, () -> Crm.TokenRequest.parse(List.of("--ttl", "0h")));
        assertThrows(StackException.class, () -> Crm.TokenRequest.parse(List.of("--ttl", "soon")));
        assertThrows(StackException.class, () -> Crm.TokenRequest.parse(List.of("--tenant")));
        assertThrows(StackException.class, () -> Crm.TokenRequest.parse(List.of("--colour", "blue")));
    }
}

package org.guestcrm.desk.api;

import org.guestcrm.platform.security.TenantAccess;

/** The tenant a request names in its query: required, and checked against the token before anything is read. */
final class TenantParam {

    private TenantParam() {
    }

    static String require(TenantAccess access, String tenant) {
        new Checks().requiredText(tenant, "tenant", 100).orRefuse();
        return access.require(tenant, () -> new DeskNotFoundException("Tenant"));
    }
}

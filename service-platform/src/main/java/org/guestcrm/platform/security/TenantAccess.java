package org.guestcrm.platform.security;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;

import org.eclipse.microprofile.jwt.JsonWebToken;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * The tenants the caller's token admits: its {@code tenant} claim, one string or an array; {@code "*"} admits every
 * tenant (a platform operator). Every query and write of a staff API is scoped by it: a resource of another tenant is
 * answered exactly as one that does not exist.
 */
@RequestScoped
public class TenantAccess {

    public static final String CLAIM = "tenant";
    public static final String ALL = "*";

    @Inject
    JsonWebToken token;

    /** The tenants named in the token (possibly {@code "*"}); empty without a token or claim. */
    public Set<String> tenants() {
        return tenantsOf(token);
    }

    /** The tenants named in {@code token}'s tenant claim. */
    public static Set<String> tenantsOf(JsonWebToken token) {
        Set<String> tenants = new LinkedHashSet<>();
        Object claim = token == null ? null : token.getClaim(CLAIM);
        switch (claim) {
            case null -> {
            }
            case String single -> tenants.add(single);
            case JsonString single -> tenants.add(single.getString());
            case JsonArray array -> array.forEach(value -> {
                if (value.getValueType() == JsonValue.ValueType.STRING) {
                    tenants.add(((JsonString) value).getString());
                }
            });
            case Collection<?> values -> values.forEach(value -> tenants.add(String.valueOf(value)));
            default -> tenants.add(String.valueOf(claim));
        }
        return tenants;
    }

    public boolean allTenants() {
        return tenants().contains(ALL);
    }

    public boolean mayAccess(String tenant) {
        Set<String> tenants = tenants();
        return tenant != null && (tenants.contains(ALL) || tenants.contains(tenant));
    }

    /**
     * Checks {@code tenant} (of a resource found, or named in a request) against the token; when the token does not
     * admit it, throws what the endpoint throws for a resource that does not exist, so the caller learns nothing.
     */
    public <X extends RuntimeException> String require(String tenant, Supplier<X> notFound) {
        if (!mayAccess(tenant)) {
            throw notFound.get();
        }
        return tenant;
    }

    /** The caller, for audit records: the token's subject (or upn). */
    public String actor() {
        if (token == null || token.getRawToken() == null) {
            return "anonymous";
        }
        String name = token.getName();
        return name != null ? name : token.getSubject();
    }

    public Set<String> roles() {
        return token == null || token.getGroups() == null ? Set.of() : token.getGroups();
    }
}

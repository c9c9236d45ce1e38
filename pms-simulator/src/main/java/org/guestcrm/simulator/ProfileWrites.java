package org.guestcrm.simulator;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The two ways the simulator takes contact data written back by a CRM, both applied to the stored customer:
 * <ul>
 *   <li>Mews Connector API {@code POST /api/connector/v1/customers/update}: {@code CustomerId} and the fields to change,
 *       each absent or null = unchanged ({@code FirstName, LastName, Email, Phone, LanguageCode},
 *       {@code Address{Line1, City, PostalCode, CountryCode}}, {@code Options{SendMarketingEmails{Value}}}, the
 *       "update value" wrapper Mews uses for options);</li>
 *   <li>the generic JSON profile API {@code PATCH /profiles/v1/profiles/{id}} (a JSON merge patch, RFC 7396: absent =
 *       unchanged, {@code email} or {@code phone} null = removed): {@code firstName, lastName, language, email, phone,
 *       address{line1, city, postalCode, countryCode}, marketing{emailOptIn}}.</li>
 * </ul>
 * A field of the wrong type is refused naming the field ({@link Refused}); nothing is applied then.
 */
final class ProfileWrites {

    /** A write the simulator refuses: 400 naming the field. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private ProfileWrites() {
    }

    static SimulatedCustomer mewsUpdate(SimulatedCustomer c, JsonNode body) throws Refused {
        String firstName = text(body, "FirstName", c.firstName());
        String lastName = text(body, "LastName", c.lastName());
        String email = text(body, "Email", c.email());
        String phone = text(body, "Phone", c.phone());
        String language = text(body, "LanguageCode", c.languageCode());
        String line1 = c.addressLine1();
        String city = c.city();
        String postalCode = c.postalCode();
        String country = c.countryCode();
        JsonNode address = body.get("Address");
        if (address != null && !address.isNull()) {
            if (!address.isObject()) {
                throw new Refused("Address must be an object.");
            }
            line1 = text(address, "Line1", line1);
            city = text(address, "City", city);
            postalCode = text(address, "PostalCode", postalCode);
            country = text(address, "CountryCode", country);
        }
        boolean marketing = c.marketingEmails();
        JsonNode options = body.get("Options");
        if (options != null && !options.isNull()) {
            JsonNode send = options.path("SendMarketingEmails");
            if (!send.isMissingNode() && !send.isNull()) {
                if (!send.path("Value").isBoolean()) {
                    throw new Refused("Options.SendMarketingEmails.Value must be a boolean.");
                }
                marketing = send.path("Value").asBoolean();
            }
        }
        return new SimulatedCustomer(c.id(), c.title(), firstName, lastName, email, phone, language, c.nationalityCode(),
                c.birthDate(), line1, city, postalCode, country, marketing, c.created(), c.updated());
    }

    static SimulatedCustomer genericPatch(SimulatedCustomer c, JsonNode body) throws Refused {
        String firstName = text(body, "firstName", c.firstName());
        String lastName = text(body, "lastName", c.lastName());
        String email = body.has("email") && body.get("email").isNull() ? null : text(body, "email", c.email());
        String phone = body.has("phone") && body.get("phone").isNull() ? null : text(body, "phone", c.phone());
        String language = text(body, "language", c.languageCode());
        String line1 = c.addressLine1();
        String city = c.city();
        String postalCode = c.postalCode();
        String country = c.countryCode();
        JsonNode address = body.get("address");
        if (address != null && !address.isNull()) {
            if (!address.isObject()) {
                throw new Refused("address must be an object.");
            }
            line1 = text(address, "line1", line1);
            city = text(address, "city", city);
            postalCode = text(address, "postalCode", postalCode);
            country = text(address, "countryCode", country);
        }
        boolean marketing = c.marketingEmails();
        JsonNode flags = body.get("marketing");
        if (flags != null && !flags.isNull()) {
            JsonNode optIn = flags.path("emailOptIn");
            if (!optIn.isMissingNode() && !optIn.isNull()) {
                if (!optIn.isBoolean()) {
                    throw new Refused("marketing.emailOptIn must be a boolean.");
                }
                marketing = optIn.asBoolean();
            }
        }
        return new SimulatedCustomer(c.id(), c.title(), firstName, lastName, email, phone, language, c.nationalityCode(),
                c.birthDate(), line1, city, postalCode, country, marketing, c.created(), c.updated());
    }

    /** The text of {@code field}, or {@code unchanged} when absent or null; another type is refused. */
    private static String text(JsonNode node, String field, String unchanged) throws Refused {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return unchanged;
        }
        if (!value.isTextual()) {
            throw new Refused(field + " must be a string.");
        }
        return value.asText();
    }
}

package org.guestcrm.simulator;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The two ways the simulator takes contact data written back by a CRM, both applied to the stored customer:
 * <ul>
 *   <li>Mews Connector API {@code POST /api/connector/v1/customers/update}: {@code CustomerId} and the fields to change,
 *       each absent or null = unchanged ({@code FirstName, LastName, Email, Phone, LanguageCode},
 *       {@code Address{Line1, City, PostalCode, CountryCode}}, {@code Options{SendMarketingEmails{Value}}}, the
 *       {@code Options{SendMarketingPostalMail{Value}}}, the "update value" wrapper Mews uses for options);</li>
 *   <li>the generic JSON profile API {@code PATCH /profiles/v1/profiles/{id}} (a JSON merge patch, RFC 7396: absent =
 *       unchanged, {@code email} or {@code phone} null = removed): {@code firstName, lastName, language, email, phone,
 *       address{line1, city, postalCode, countryCode}, marketing{emailOptIn, smsOptIn, phoneOptIn, postOptIn}}.</li>
 *   <li>apaleo Booking API {@code PATCH /booking/v1/reservations/{id}} ({@code application/json-patch+json}, RFC 6902):
 *       {@code replace} and {@code remove} of {@code /primaryGuest/firstName|lastName|email|phone|preferredLanguage} and
 *       {@code /primaryGuest/address} ({@code {addressLine1, postalCode, city, countryCode}}), applied to the
 *       reservation's main guest. The simulator holds no additional guests: {@code /additionalGuests/...} is refused as
 *       an unknown path, as is every other path and op.</li>
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
        Boolean post = c.postOptIn();
        JsonNode options = body.get("Options");
        if (options != null && !options.isNull()) {
            Boolean send = mewsOption(options, "SendMarketingEmails");
            marketing = send == null ? marketing : send;
            Boolean postal = mewsOption(options, "SendMarketingPostalMail");
            post = postal == null ? post : postal;
        }
        return new SimulatedCustomer(c.id(), c.title(), firstName, lastName, email, phone, language, c.nationalityCode(),
                c.birthDate(), line1, city, postalCode, country, marketing, c.smsOptIn(), c.phoneOptIn(), post,
                c.created(), c.updated());
    }

    /** A Mews "update value" option: {@code {Value: true|false}}; absent or null = unchanged (null here). */
    private static Boolean mewsOption(JsonNode options, String name) throws Refused {
        JsonNode option = options.path(name);
        if (option.isMissingNode() || option.isNull()) {
            return null;
        }
        if (!option.path("Value").isBoolean()) {
            throw new Refused("Options." + name + ".Value must be a boolean.");
        }
        return option.path("Value").asBoolean();
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
        Boolean sms = c.smsOptIn();
        Boolean calls = c.phoneOptIn();
        Boolean post = c.postOptIn();
        JsonNode flags = body.get("marketing");
        if (flags != null && !flags.isNull()) {
            if (!flags.isObject()) {
                throw new Refused("marketing must be an object.");
            }
            Boolean email0 = flag(flags, "emailOptIn");
            marketing = email0 == null ? marketing : email0;
            Boolean sms0 = flag(flags, "smsOptIn");
            sms = sms0 == null ? sms : sms0;
            Boolean calls0 = flag(flags, "phoneOptIn");
            calls = calls0 == null ? calls : calls0;
            Boolean post0 = flag(flags, "postOptIn");
            post = post0 == null ? post : post0;
        }
        return new SimulatedCustomer(c.id(), c.title(), firstName, lastName, email, phone, language, c.nationalityCode(),
                c.birthDate(), line1, city, postalCode, country, marketing, sms, calls, post, c.created(), c.updated());
    }

    /** {@code marketing.<name>}: a boolean, or absent/null = unchanged (null here). */
    private static Boolean flag(JsonNode flags, String name) throws Refused {
        JsonNode value = flags.path(name);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw new Refused("marketing." + name + " must be a boolean.");
        }
        return value.asBoolean();
    }

    /**
     * apaleo's JSON Patch of a reservation, applied to its main guest {@code c}: each op {@code replace} (a string value;
     * the address an object) or {@code remove}; anything else is refused naming the op's index and path.
     */
    static SimulatedCustomer apaleoPatch(SimulatedCustomer c, JsonNode ops) throws Refused {
        if (ops == null || !ops.isArray()) {
            throw new Refused("The body must be a JSON Patch: an array of operations.");
        }
        String firstName = c.firstName();
        String lastName = c.lastName();
        String email = c.email();
        String phone = c.phone();
        String language = c.languageCode();
        String line1 = c.addressLine1();
        String city = c.city();
        String postalCode = c.postalCode();
        String country = c.countryCode();
        for (int i = 0; i < ops.size(); i++) {
            JsonNode op = ops.get(i);
            String kind = op.path("op").asText("");
            String path = op.path("path").asText("");
            boolean remove = kind.equals("remove");
            if (!remove && !kind.equals("replace")) {
                throw new Refused("[" + i + "].op must be replace or remove.");
            }
            JsonNode value = op.get("value");
            switch (path) {
                case "/primaryGuest/firstName" -> firstName = remove ? null : string(value, i, path);
                case "/primaryGuest/lastName" -> {
                    if (remove) {
                        throw new Refused("[" + i + "] " + path + " cannot be removed: apaleo requires a last name.");
                    }
                    lastName = string(value, i, path);
                }
                case "/primaryGuest/email" -> email = remove ? null : string(value, i, path);
                case "/primaryGuest/phone" -> phone = remove ? null : string(value, i, path);
                case "/primaryGuest/preferredLanguage" -> language = remove ? null : string(value, i, path);
                case "/primaryGuest/address" -> {
                    if (remove) {
                        line1 = null;
                        city = null;
                        postalCode = null;
                        country = null;
                    } else {
                        if (value == null || !value.isObject()) {
                            throw new Refused("[" + i + "].value of " + path + " must be an object.");
                        }
                        line1 = text(value, "addressLine1", null);
                        postalCode = text(value, "postalCode", null);
                        city = text(value, "city", null);
                        country = text(value, "countryCode", null);
                    }
                }
                default -> throw new Refused("[" + i + "].path " + path + " is not a path the simulator can change.");
            }
        }
        return new SimulatedCustomer(c.id(), c.title(), firstName, lastName, email, phone, language, c.nationalityCode(),
                c.birthDate(), line1, city, postalCode, country, c.marketingEmails(), c.smsOptIn(), c.phoneOptIn(),
                c.postOptIn(), c.created(), c.updated());
    }

    private static String string(JsonNode value, int index, String path) throws Refused {
        if (value == null || !value.isTextual()) {
            throw new Refused("[" + index + "].value of " + path + " must be a string.");
        }
        return value.asText();
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

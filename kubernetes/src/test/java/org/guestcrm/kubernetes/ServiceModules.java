package org.guestcrm.kubernetes;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The services' (and the ops console's) own configuration, read from their modules beside this one. */
final class ServiceModules {

    /** Deployment name = module directory: the four services and the ops console. */
    static final List<String> SERVICES = List.of("pms-connector", "profile-service", "journey-service", "optout-service",
            "ops-console");

    private ServiceModules() {
    }

    /** application.properties of a service without profile-specific (%test, %dev) keys. */
    static Map<String, String> properties(String service) {
        Path file = Manifests.REPOSITORY.resolve(service).resolve("src/main/resources/application.properties");
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> plain = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().filter(k -> !k.startsWith("%")).sorted()
                .forEach(k -> plain.put(k, properties.getProperty(k)));
        return plain;
    }

    /** The environment variable Quarkus (SmallRye Config) reads for a property: non-alphanumerics to _, upper case. */
    static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
    }
}

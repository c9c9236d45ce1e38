package org.guestcrm.testsupport;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Quarkus test resource that points a service at real servers: Kafka ({@link KafkaBroker}),
 * Apicurio Registry ({@link SchemaRegistry}), PostgreSQL ({@link Postgres}) and an SMTP/IMAP mail
 * catcher ({@link MailServer}). No Docker, no Dev Services.
 *
 * <p>Usage on each {@code @QuarkusTest} class of a service:
 * <pre>{@code
 * @QuarkusTest
 * @WithTestResource(value = RealInfrastructure.class,
 *         initArgs = @ResourceArg(name = "database", value = "journey"))
 * class JourneyResourceTest { ... }
 * }</pre>
 * (or, once per module, {@code @QuarkusTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "database", value = "journey"))},
 * which applies to every test). Give every test class of a module the same arguments so Quarkus
 * keeps one application across them.
 *
 * <p>Each server is a per-JVM singleton ({@code shared()}), started lazily on free ports the first time a
 * test class needs it and stopped by a JVM shutdown hook: many test classes, even with different
 * arguments, never restart a server. {@link #stop()} therefore does nothing.
 *
 * <p>Init args:
 * <ul>
 *   <li>{@code database} (required when PostgreSQL is used): database created if missing, e.g. {@code journey}.</li>
 *   <li>{@code services} (optional, default all): comma-separated subset of {@code kafka, registry, postgres, mail}.</li>
 *   <li>{@code mailFrom} (optional, default {@code Guest CRM <noreply@guest-crm.test>}): {@code quarkus.mailer.from}.</li>
 * </ul>
 *
 * <p>Configuration returned (only for the started services):
 * {@code kafka.bootstrap.servers}, {@code quarkus.kafka.devservices.enabled=false};
 * {@code mp.messaging.connector.smallrye-kafka.apicurio.registry.url}, {@code apicurio.registry.url}
 * (the v3 API URL), {@code mp.messaging.connector.smallrye-kafka.apicurio.registry.auto-register=true},
 * {@code quarkus.apicurio-registry.devservices.enabled=false};
 * {@code quarkus.datasource.jdbc.url}, {@code quarkus.datasource.username}, {@code quarkus.datasource.password},
 * {@code quarkus.datasource.devservices.enabled=false};
 * {@code quarkus.mailer.host}, {@code quarkus.mailer.port}, {@code quarkus.mailer.mock=false},
 * {@code quarkus.mailer.from}, {@code quarkus.mailer.start-tls=DISABLED}.
 * Read the mail a test caused with {@code MailServer.shared().waitForMessages(...)}.
 */
public class RealInfrastructure implements QuarkusTestResourceLifecycleManager {

    /** The servers this resource can start. */
    public enum Service {
        KAFKA, REGISTRY, POSTGRES, MAIL
    }

    public static final String ARG_DATABASE = "database";
    public static final String ARG_SERVICES = "services";
    public static final String ARG_MAIL_FROM = "mailFrom";
    public static final String DEFAULT_MAIL_FROM = "Guest CRM <noreply@guest-crm.test>";

    private Set<Service> services = EnumSet.allOf(Service.class);
    private String database;
    private String mailFrom = DEFAULT_MAIL_FROM;

    @Override
    public void init(Map<String, String> initArgs) {
        String requested = initArgs.get(ARG_SERVICES);
        if (requested != null && !requested.isBlank()) {
            services = parseServices(requested);
        }
        database = initArgs.get(ARG_DATABASE);
        mailFrom = initArgs.getOrDefault(ARG_MAIL_FROM, DEFAULT_MAIL_FROM);
        if (services.contains(Service.POSTGRES) && (database == null || database.isBlank())) {
            throw new IllegalArgumentException("RealInfrastructure needs @ResourceArg(name = \"database\", value = \"<name>\")"
                    + " (or services without postgres)");
        }
    }

    static Set<Service> parseServices(String list) {
        try {
            return Arrays.stream(list.split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .map(s -> Service.valueOf(s.toUpperCase(Locale.ROOT)))
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(Service.class)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown service in '" + list + "'; known: kafka, registry, postgres, mail", e);
        }
    }

    @Override
    public Map<String, String> start() {
        // The registry is a separate process and the slowest: start it in parallel with the rest.
        CompletableFuture<SchemaRegistry> registry = services.contains(Service.REGISTRY)
                ? CompletableFuture.supplyAsync(SchemaRegistry::shared)
                : CompletableFuture.completedFuture(null);
        Map<String, String> config = new HashMap<>();
        // Staff tokens: the services trust this JVM's local identity; tests mint with LocalIdentity.forTests().
        LocalIdentity identity = LocalIdentity.forTests();
        config.put("mp.jwt.verify.publickey.location", identity.verifyKeyFile().toUri().toString());
        config.put("mp.jwt.verify.issuer", identity.issuer());
        if (services.contains(Service.KAFKA)) {
            config.put("kafka.bootstrap.servers", KafkaBroker.shared().bootstrapServers());
            config.put("quarkus.kafka.devservices.enabled", "false");
            // Tests wait for records hop after hop: the broker answers a fetch after 50 ms at the latest, where the
            // services' default (service-platform, 500 ms, cheaper at rest) would add up to half a second per hop. The
            // local stack and LocalStackIT run the services' own setting.
            config.put("kafka.fetch.max.wait.ms", "50");
        }
        if (services.contains(Service.POSTGRES)) {
            Postgres postgres = Postgres.shared();
            postgres.createDatabaseIfMissing(database);
            config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(database));
            config.put("quarkus.datasource.username", postgres.username());
            config.put("quarkus.datasource.password", postgres.password());
            config.put("quarkus.datasource.devservices.enabled", "false");
        }
        if (services.contains(Service.MAIL)) {
            MailServer mail = MailServer.shared();
            config.put("quarkus.mailer.host", mail.host());
            config.put("quarkus.mailer.port", String.valueOf(mail.smtpPort()));
            config.put("quarkus.mailer.mock", "false");
            config.put("quarkus.mailer.from", mailFrom);
            config.put("quarkus.mailer.start-tls", "DISABLED");
        }
        if (services.contains(Service.REGISTRY)) {
            String apiUrl;
            try {
                apiUrl = registry.join().apiUrl();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
            }
            config.put("mp.messaging.connector.smallrye-kafka.apicurio.registry.url", apiUrl);
            config.put("mp.messaging.connector.smallrye-kafka.apicurio.registry.auto-register", "true");
            config.put("apicurio.registry.url", apiUrl);
            config.put("quarkus.apicurio-registry.devservices.enabled", "false");
        }
        return config;
    }

    /** Nothing: the servers are per-JVM singletons, stopped by a JVM shutdown hook. */
    @Override
    public void stop() {
    }
}

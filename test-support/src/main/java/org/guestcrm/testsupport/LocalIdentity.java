package org.guestcrm.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The local stack's own token issuer: an RSA key pair under a directory (the local stack's {@code .crm/keys}, or a
 * temporary one for tests) and RS256 JWTs signed with it, in the shape the services verify (issuer
 * {@link #LOCAL_ISSUER}, roles in {@code groups}, tenants in {@code tenant}, {@code "*"} for every tenant). The services
 * trust it through {@code mp.jwt.verify.publickey.location} = {@link #verifyKeyFile()} and
 * {@code mp.jwt.verify.issuer} = {@link #issuer()}; a real deployment points those at its identity provider instead.
 * Tests mint their tokens here, so no test switches security off.
 */
public final class LocalIdentity {

    public static final String LOCAL_ISSUER = "https://guestcrm.local/issuer";
    public static final String SIGNING_KEY_FILE = "jwt-signing-key.pem";
    public static final String VERIFY_KEY_FILE = "jwt-verify-key.pem";
    /** Every staff role the services know. */
    public static final Set<String> ALL_ROLES = Set.of("viewer", "agent", "marketer", "admin", "ops");

    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private static LocalIdentity forTests;

    private final Path directory;
    private final PrivateKey signingKey;
    private final String keyId;

    private LocalIdentity(Path directory, PrivateKey signingKey, String keyId) {
        this.directory = directory;
        this.signingKey = signingKey;
        this.keyId = keyId;
    }

    /** Loads the key pair in {@code dir}, or creates it (private key readable by the owner only). */
    public static synchronized LocalIdentity loadOrCreate(Path dir) {
        try {
            Files.createDirectories(dir);
            Path privateFile = dir.resolve(SIGNING_KEY_FILE);
            Path publicFile = dir.resolve(VERIFY_KEY_FILE);
            if (!Files.exists(privateFile) || !Files.exists(publicFile)) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                Files.writeString(publicFile, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
                writeSecret(privateFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            }
            byte[] der = fromPem(Files.readString(privateFile));
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            byte[] publicDer = fromPem(Files.readString(publicFile));
            String kid = URL.encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(publicDer))
                    .substring(0, 16);
            return new LocalIdentity(dir, key, kid);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create or read the local signing keys in " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot create or read the local signing keys in " + dir, e);
        }
    }

    /** The key id of the local signed-links key. */
    public static final String SIGNED_LINKS_KEY_ID = "local1";
    public static final String SIGNED_LINKS_KEY_FILE = "signed-links.key";

    /**
     * The local stack's key for guests' signed links (unsubscribe, preference centre), created once under {@code dir}:
     * the value of {@code guestcrm.signed-links.keys} ({@code local1:<base64 of 32 random bytes>}), shared by the
     * journey-service (which signs) and the optout-service (which verifies).
     */
    public static synchronized String signedLinksKeys(Path dir) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(SIGNED_LINKS_KEY_FILE);
            if (!Files.exists(file)) {
                byte[] secret = new byte[32];
                new java.security.SecureRandom().nextBytes(secret);
                writeSecret(file, Base64.getEncoder().encodeToString(secret));
            }
            return SIGNED_LINKS_KEY_ID + ":" + Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create or read the signed-links key in " + dir, e);
        }
    }

    /** One identity per test JVM, in a temporary directory. */
    public static synchronized LocalIdentity forTests() {
        if (forTests == null) {
            try {
                Path dir = Files.createTempDirectory("guestcrm-keys");
                dir.toFile().deleteOnExit();
                forTests = loadOrCreate(dir);
                dir.resolve(SIGNING_KEY_FILE).toFile().deleteOnExit();
                dir.resolve(VERIFY_KEY_FILE).toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return forTests;
    }

    public Path verifyKeyFile() {
        return directory.resolve(VERIFY_KEY_FILE);
    }

    public String issuer() {
        return LOCAL_ISSUER;
    }

    /** A token for {@code subject} with these tenants ({@code "*"}: all) and roles, valid for {@code ttl}. */
    public String mint(Set<String> tenants, Set<String> roles, Duration ttl, String subject) {
        Instant now = Instant.now();
        return mint(LOCAL_ISSUER, tenants, roles, now, now.plus(ttl), subject);
    }

    /** A token with every claim chosen by the caller: for tests of expired, not-yet-valid or foreign tokens. */
    public String mint(String issuer, Set<String> tenants, Set<String> roles, Instant issuedAt, Instant expiresAt,
            String subject) {
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":" + json(keyId) + "}";
        String payload = "{\"iss\":" + json(issuer)
                + ",\"sub\":" + json(subject)
                + ",\"upn\":" + json(subject)
                + ",\"groups\":" + json(new TreeSet<>(roles))
                + ",\"tenant\":" + json(new TreeSet<>(tenants))
                + ",\"iat\":" + issuedAt.getEpochSecond()
                + ",\"exp\":" + expiresAt.getEpochSecond()
                + ",\"jti\":" + json(UUID.randomUUID().toString()) + "}";
        String signingInput = URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + URL.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(signingKey);
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + URL.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot sign a token", e);
        }
    }

    private static String json(Collection<String> values) {
        List<String> quoted = new ArrayList<>();
        values.forEach(v -> quoted.add(json(v)));
        return "[" + String.join(",", quoted) + "]";
    }

    private static String json(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** Writes {@code content} to {@code target} readable by the owner only, atomically (never half a key). */
    private static void writeSecret(Path target, String content) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "secret", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX permissions: the directory's own protection applies
        }
        Files.writeString(tmp, content);
        Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static byte[] fromPem(String pem) {
        String body = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }
}

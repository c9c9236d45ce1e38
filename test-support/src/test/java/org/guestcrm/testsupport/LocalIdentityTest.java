package org.guestcrm.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalIdentityTest {

    @TempDir
    Path dir;

    @Test
    void mintsAnRs256TokenThatTheVerifyKeyAccepts() throws Exception {
        LocalIdentity identity = LocalIdentity.loadOrCreate(dir);
        String token = identity.mint(Set.of("demo"), Set.of("viewer", "ops"), Duration.ofHours(1), "local-admin");

        String[] parts = token.split("\\.");
        assertEquals(3, parts.length);
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(publicKey(identity.verifyKeyFile()));
        rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(rsa.verify(Base64.getUrlDecoder().decode(parts[2])));

        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        assertTrue(claims.contains("\"iss\":\"" + LocalIdentity.LOCAL_ISSUER + "\""), claims);
        assertTrue(claims.contains("\"groups\":[\"ops\",\"viewer\"]"), claims);
        assertTrue(claims.contains("\"tenant\":[\"demo\"]"), claims);
        assertTrue(claims.contains("\"sub\":\"local-admin\""), claims);
    }

    @Test
    void keepsItsKeysAcrossLoads() throws Exception {
        LocalIdentity first = LocalIdentity.loadOrCreate(dir);
        String key = Files.readString(first.verifyKeyFile());
        String token = LocalIdentity.loadOrCreate(dir).mint(Set.of("*"), Set.of("admin"), Duration.ofMinutes(5), "a");

        assertEquals(key, Files.readString(dir.resolve(LocalIdentity.VERIFY_KEY_FILE)));
        String[] parts = token.split("\\.");
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(publicKey(first.verifyKeyFile()));
        rsa.update((parts[0] + "." + parts[1] + "x").getBytes(StandardCharsets.US_ASCII));
        assertFalse(rsa.verify(Base64.getUrlDecoder().decode(parts[2])), "a changed token must not verify");
    }

    private static PublicKey publicKey(Path file) throws Exception {
        String body = Files.readString(file).replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
    }
}

package org.guestcrm.connector.domain;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts feed HMAC secrets at rest with AES-256-GCM under a key from the environment. An HMAC secret
 * must be readable to verify a signature, so it cannot be hashed like a bearer token; a copy of the
 * database alone does not reveal it. The credential id is the associated data, so a ciphertext cannot be
 * moved to another credential. {@link #keyId()} (a hash prefix of the key) tells which key encrypted a row.
 */
public final class SecretCipher {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final String keyId;

    private SecretCipher(byte[] keyBytes) {
        if (keyBytes.length != 32) {
            throw new IllegalArgumentException("the credentials encryption key must be 32 bytes (base64 of 256 bits)");
        }
        this.key = new SecretKeySpec(keyBytes, "AES");
        this.keyId = Tokens.sha256Hex(keyBytes).substring(0, 16);
    }

    /** A cipher for a base64-encoded 256-bit key. */
    public static SecretCipher fromBase64(String base64Key) {
        return new SecretCipher(Base64.getDecoder().decode(base64Key.trim()));
    }

    public String keyId() {
        return keyId;
    }

    public byte[] encrypt(byte[] secret, String credentialId) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(credentialId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret);
            return ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    public byte[] decrypt(byte[] ciphertext, String credentialId) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ciphertext, 0, IV_BYTES));
            cipher.updateAAD(credentialId.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(ciphertext, IV_BYTES, ciphertext.length - IV_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The secret of credential " + credentialId + " cannot be decrypted with key "
                    + keyId + ".");
        }
    }

    /** {@code n} random bytes as base64url without padding: a high-entropy token or secret. */
    public static String randomToken(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

package dev.foyer.pass;

import io.vertx.core.buffer.Buffer;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * Seals pass keys for PostgreSQL with AES-256-GCM under a key derived from {@code FOYER_SECRET}, so
 * reading table {@code pass_keys} is not enough to mint passes. The kid is authenticated with the
 * key: a row whose kid was changed does not open either.
 */
final class KeySeal {

  /** A key as stored: its kid, the GCM nonce and the sealed PKCS#8 bytes. */
  record Sealed(String kid, Buffer nonce, Buffer sealed) {
  }

  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  // fixed labels of the seal key derivation: changing either makes every stored key unreadable
  private static final byte[] HKDF_SALT = "foyer pass-key seal".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HKDF_INFO = "foyer/pass_keys/aes-256-gcm/v1".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKey key;
  private final String schema;

  private KeySeal(SecretKey key, String schema) {
    this.key = key;
    this.schema = schema;
  }

  /** The seal of this FOYER_SECRET; {@code schema} only names the table in messages. */
  static KeySeal of(String secret, String schema) {
    if (secret == null || secret.length() < 16) {
      throw new PassKeyException("FOYER_SECRET must be at least 16 characters: it also seals the pass keys in "
          + "PostgreSQL");
    }
    return new KeySeal(derive(secret), schema);
  }

  Sealed seal(PassKey passKey) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
      aes.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      aes.updateAAD(aad(passKey.kid()));
      return new Sealed(passKey.kid(), Buffer.buffer(nonce), Buffer.buffer(aes.doFinal(passKey.pkcs8())));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks AES-GCM", e);
    }
  }

  /** Opens the key stored in {@code slot}; a PassKeyException an operator can act on when it does not open. */
  PassKey open(int slot, Sealed stored) {
    byte[] der;
    try {
      Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
      aes.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored.nonce().getBytes()));
      aes.updateAAD(aad(stored.kid()));
      der = aes.doFinal(stored.sealed().getBytes());
    } catch (AEADBadTagException e) {
      throw new PassKeyException("the pass keys in table pass_keys of schema " + schema
          + " were sealed under another FOYER_SECRET (or the row was altered), so this node cannot sign or check "
          + "passes. Start it with the FOYER_SECRET the other nodes use (dev mode without FOYER_SECRET makes up a "
          + "new one at every start); to start over with a new key instead, delete the rows of pass_keys, which "
          + "ends every pass issued so far");
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new PassKeyException("the pass key in table pass_keys (slot " + slot + ") is damaged: " + e.getMessage());
    }
    PassKey opened = PassKey.fromPkcs8(der, "the pass key in table pass_keys (slot " + slot + ")");
    if (!opened.kid().equals(stored.kid())) {
      throw new PassKeyException("the pass key in table pass_keys (slot " + slot + ") does not match its kid");
    }
    return opened;
  }

  private static byte[] aad(String kid) {
    return ("foyer-pass-key:" + kid).getBytes(StandardCharsets.US_ASCII);
  }

  /** HKDF-SHA256 (RFC 5869) of FOYER_SECRET: one 32-byte block is all AES-256 needs. */
  private static SecretKey derive(String secret) {
    try {
      Mac extract = Mac.getInstance("HmacSHA256");
      extract.init(new SecretKeySpec(HKDF_SALT, "HmacSHA256"));
      byte[] prk = extract.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      Mac expand = Mac.getInstance("HmacSHA256");
      expand.init(new SecretKeySpec(prk, "HmacSHA256"));
      expand.update(HKDF_INFO);
      expand.update((byte) 1);
      return new SecretKeySpec(expand.doFinal(), "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256", e);
    }
  }
}

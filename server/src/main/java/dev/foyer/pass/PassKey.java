package dev.foyer.pass;

import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One RSA key that signs passes (RS256), known by its RFC 7638 thumbprint ({@code kid}). The public
 * half is derived from the private key, so configuration needs only one PEM. Where keys come from
 * and how they rotate is {@link PassKeys}' business.
 */
public record PassKey(String privatePem, String publicPem, String kid, JsonObject jwk) {

  /** Below this, a key is too weak to trust with passes a site admits people on. */
  static final int MIN_BITS = 2048;

  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  /** A PKCS#8 ({@code PRIVATE KEY}) or PKCS#1 ({@code RSA PRIVATE KEY}) PEM. */
  public static PassKey fromPem(String pem) {
    return fromPem(pem, "the pass key");
  }

  /**
   * As {@link #fromPem(String)}; {@code source} names where the PEM came from (a variable, a file)
   * so that the error tells an operator what to fix.
   */
  public static PassKey fromPem(String pem, String source) {
    if (pem == null || pem.isBlank()) {
      throw new PassKeyException(source + " is empty");
    }
    // a PEM pasted into an environment variable often arrives with literal \n instead of line breaks
    Matcher block = PEM.matcher(pem.replace("\\n", "\n"));
    byte[] der = null;
    while (block.find() && der == null) {
      String type = block.group(1);
      if (type.equals("PRIVATE KEY") || type.equals("RSA PRIVATE KEY")) {
        byte[] body;
        try {
          body = Base64.getMimeDecoder().decode(block.group(2).trim());
        } catch (IllegalArgumentException e) {
          throw new PassKeyException(source + " has a " + type + " block that is not valid base64");
        }
        der = type.equals("PRIVATE KEY") ? body : pkcs1ToPkcs8(body);
      } else if (type.equals("ENCRYPTED PRIVATE KEY")) {
        throw new PassKeyException(source + " is a passphrase-protected key; foyer needs it unencrypted "
            + "(openssl pkcs8 -topk8 -nocrypt -in key.pem -out plain.pem), kept safe by the secret store instead");
      } else if (type.equals("EC PRIVATE KEY")) {
        throw new PassKeyException(source + " is an EC key; passes are signed RS256 and need an RSA key "
            + "(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048)");
      }
    }
    if (der == null) {
      throw new PassKeyException(source + " holds no PEM private key (expected a -----BEGIN PRIVATE KEY----- block)");
    }
    return fromPkcs8(der, source);
  }

  /** The key from its PKCS#8 DER encoding, as stored sealed in PostgreSQL. */
  static PassKey fromPkcs8(byte[] der, String source) {
    RSAPrivateCrtKey key;
    KeyFactory rsa;
    try {
      rsa = KeyFactory.getInstance("RSA");
      if (!(rsa.generatePrivate(new PKCS8EncodedKeySpec(der)) instanceof RSAPrivateCrtKey crt)) {
        throw new PassKeyException(source + " is not an RSA private key with its CRT parameters");
      }
      key = crt;
    } catch (GeneralSecurityException e) {
      throw new PassKeyException(source + " is not an RSA private key (PKCS#8 or PKCS#1 PEM): " + e.getMessage());
    }
    if (key.getModulus().bitLength() < MIN_BITS) {
      throw new PassKeyException(source + " is a " + key.getModulus().bitLength() + "-bit RSA key; use at least "
          + MIN_BITS + " bits");
    }
    try {
      var publicKey = rsa.generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
      String n = base64Url(key.getModulus());
      String e = base64Url(key.getPublicExponent());
      // RFC 7638 thumbprint: stable across nodes and restarts for the same key
      String thumbprintInput = "{\"e\":\"" + e + "\",\"kty\":\"RSA\",\"n\":\"" + n + "\"}";
      String kid = Base64.getUrlEncoder().withoutPadding().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(thumbprintInput.getBytes(StandardCharsets.UTF_8)));
      JsonObject jwk = new JsonObject().put("kty", "RSA").put("use", "sig").put("alg", "RS256")
          .put("kid", kid).put("n", n).put("e", e);
      // re-encoded, so vertx-auth always gets plain PKCS#8 whatever form the operator supplied
      return new PassKey(pem("PRIVATE KEY", key.getEncoded()), pem("PUBLIC KEY", publicKey.getEncoded()), kid, jwk);
    } catch (GeneralSecurityException ex) {
      throw new IllegalStateException("the JDK lacks RSA or SHA-256", ex);
    }
  }

  /** A new 2048-bit key; blocking for tens to hundreds of milliseconds, so off the event loop. */
  public static PassKey generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(MIN_BITS);
      return fromPkcs8(generator.generateKeyPair().getPrivate().getEncoded(), "the generated pass key");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks RSA", e);
    }
  }

  public static String generatePem() {
    return generate().privatePem();
  }

  /** PKCS#8 DER of the private key: what {@link PassKeys} seals. */
  byte[] pkcs8() {
    Matcher block = PEM.matcher(privatePem);
    if (!block.find()) {
      throw new IllegalStateException("a PassKey always holds a PKCS#8 PEM");
    }
    return Base64.getMimeDecoder().decode(block.group(2).trim());
  }

  /** The kid only: a record's default toString would put the private key into any log line. */
  @Override
  public String toString() {
    return "PassKey[kid=" + kid + "]";
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** PKCS#8 PrivateKeyInfo wrapping a PKCS#1 RSAPrivateKey: version 0, rsaEncryption with NULL parameters. */
  private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
    byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01,
        0x05, 0x00};
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(algorithm);
    body.write(0x04);
    body.writeBytes(derLength(pkcs1.length));
    body.writeBytes(pkcs1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    out.writeBytes(derLength(body.size()));
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static byte[] derLength(int length) {
    if (length < 0x80) {
      return new byte[] {(byte) length};
    }
    byte[] bytes = BigInteger.valueOf(length).toByteArray();
    if (bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    byte[] out = new byte[bytes.length + 1];
    out[0] = (byte) (0x80 | bytes.length);
    System.arraycopy(bytes, 0, out, 1, bytes.length);
    return out;
  }

  private static String base64Url(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}

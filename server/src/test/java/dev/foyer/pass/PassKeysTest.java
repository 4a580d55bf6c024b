package dev.foyer.pass;

import dev.foyer.support.RefusingPort;
import dev.foyer.FoyerConfig;
import dev.foyer.common.ApiError;
import dev.foyer.common.Migrations;
import dev.foyer.support.Jwks;
import dev.foyer.support.TestServices;
import dev.foyer.support.TestSetup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The pass-key ring against a real PostgreSQL: configured keys, keys sealed at rest, the upgrade of
 * an older plain-text key, and rotation (also two at once). Passes are checked the way a booking
 * site checks them, with the JWKS and the JDK's own crypto.
 */
@ExtendWith(VertxExtension.class)
class PassKeysTest {

  private static final String EVENT = "spring-tour";
  private TestSetup setup;
  private Pool pool;

  @BeforeEach
  void schema(Vertx vertx) throws Exception {
    setup = new TestSetup();
    pool = setup.pg(vertx);
  }

  @AfterEach
  void cleanUp(Vertx vertx) throws Exception {
    await(pool.close());
    setup.cleanUp(vertx);
  }

  // ---- configured keys

  @Test
  void aKeyFileIsTheRingAndTheDatabaseIsLeftAlone(Vertx vertx, @TempDir Path dir) throws Exception {
    migrate();
    String pem = PassKey.generatePem();
    Path file = Files.writeString(dir.resolve("pass-key.pem"), pem);
    PassKeys keys = new PassKeys(vertx, setup.config().withPassKeys(null, file.toString(), null, null));

    PassKeyRing ring = await(keys.resolve(pool));

    assertTrue(keys.configured());
    assertEquals(PassKey.fromPem(pem).kid(), ring.current().kid());
    assertNull(ring.previous());
    assertEquals(0, storedRows().size(), "a configured key is never copied into PostgreSQL");
    Passes passes = new Passes(vertx, ring);
    String pass = passes.issue(EVENT, "visitor-1", System.currentTimeMillis() + 60_000);
    assertEquals("visitor-1", await(passes.verify(pass, EVENT)));
    assertNotNull(Jwks.verifiedClaims(passes.jwks(), pass));
  }

  @Test
  void theKeyVariablesAreReadLikeEveryOther() {
    FoyerConfig config = FoyerConfig.load(java.util.Map.of(
        "FOYER_PASS_KEY_FILE", "/run/secrets/pass.pem",
        "FOYER_PASS_KEY_PREVIOUS_FILE", "/run/secrets/pass-old.pem"));
    assertEquals("/run/secrets/pass.pem", config.passKeys().file());
    assertEquals("/run/secrets/pass-old.pem", config.passKeys().previousFile());
    assertNull(config.passKeys().pem());
    assertNull(config.passKeys().previousPem());
    assertEquals("x", FoyerConfig.load(java.util.Map.of("FOYER_PASS_KEY_PREVIOUS", "x")).passKeys().previousPem());
  }

  @Test
  void aPemInTheVariableMayBePkcs1OrCarryEscapedLineBreaks(Vertx vertx) throws Exception {
    PassKey key = PassKey.generate();
    String pkcs1 = "-----BEGIN RSA PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(pkcs1Of(key.pkcs8())) + "\n-----END RSA PRIVATE KEY-----\n";
    String escaped = key.privatePem().replace("\n", "\\n");

    PassKeyRing fromPkcs1 = await(new PassKeys(vertx, setup.config().withPassKeys(pkcs1, null, null, null)).resolve(pool));
    PassKeyRing fromEscaped = await(new PassKeys(vertx, setup.config().withPassKeys(escaped, null, null, null)).resolve(pool));

    assertEquals(key.kid(), fromPkcs1.current().kid());
    assertEquals(key.kid(), fromEscaped.current().kid());
  }

  @Test
  void anUnusableKeyFailsWithTheReasonAndNoStackTrace(Vertx vertx, @TempDir Path dir) throws Exception {
    String pem = PassKey.generatePem();
    Path missing = dir.resolve("nowhere.pem");
    Path text = Files.writeString(dir.resolve("notes.txt"), "not a key at all\n");
    Path binary = Files.write(dir.resolve("key.der"), new byte[] {0x30, (byte) 0x82, (byte) 0xff, (byte) 0xfe, 0x00});
    KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
    small.initialize(1024);
    String weak = pem("PRIVATE KEY", small.generateKeyPair().getPrivate().getEncoded());
    String ec = pem("PRIVATE KEY", KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate().getEncoded());

    assertRefused(vertx, setup.config().withPassKeys(null, missing.toString(), null, null),
        "FOYER_PASS_KEY_FILE names " + missing + ", which does not exist");
    assertRefused(vertx, setup.config().withPassKeys(null, dir.toString(), null, null),
        "cannot read FOYER_PASS_KEY_FILE " + dir);
    assertRefused(vertx, setup.config().withPassKeys(null, text.toString(), null, null),
        "FOYER_PASS_KEY_FILE (" + text + ") holds no PEM private key");
    assertRefused(vertx, setup.config().withPassKeys(null, binary.toString(), null, null), "is not a PEM text file");
    assertRefused(vertx, setup.config().withPassKeys(pem, text.toString(), null, null),
        "set FOYER_PASS_KEY or FOYER_PASS_KEY_FILE, not both");
    assertRefused(vertx, setup.config().withPassKeys(null, null, pem, null),
        "FOYER_PASS_KEY_PREVIOUS (or _FILE) is set without FOYER_PASS_KEY");
    assertRefused(vertx, setup.config().withPassKeys(weak, null, null, null), "is a 1024-bit RSA key; use at least 2048");
    assertRefused(vertx, setup.config().withPassKeys(ec, null, null, null), "FOYER_PASS_KEY is not an RSA private key");
    assertRefused(vertx, setup.config().withPassKeys(pem.replace("MII", "MIJ"), null, null, null),
        "FOYER_PASS_KEY is not an RSA private key");
    assertRefused(vertx, setup.config().withPassKeys(pem, null, null, missing.toString()),
        "FOYER_PASS_KEY_PREVIOUS_FILE names " + missing);
  }

  @Test
  void aConfiguredPreviousKeyKeepsItsPassesValidAndRotationByApiIsRefused(Vertx vertx, @TempDir Path dir)
      throws Exception {
    PassKey old = PassKey.generate();
    PassKey next = PassKey.generate();
    Path oldFile = Files.writeString(dir.resolve("old.pem"), old.privatePem());
    Passes before = new Passes(vertx, PassKeyRing.of(old));
    String oldPass = before.issue(EVENT, "visitor-1", System.currentTimeMillis() + 60_000);
    PassKeys keys = new PassKeys(vertx, setup.config().withPassKeys(next.privatePem(), null, null, oldFile.toString()));

    PassKeyRing ring = await(keys.resolve(pool));
    Passes after = new Passes(vertx, ring);
    String newPass = after.issue(EVENT, "visitor-2", System.currentTimeMillis() + 60_000);

    assertEquals(List.of(next.kid(), old.kid()), kids(after.jwks()));
    assertEquals("visitor-1", await(after.verify(oldPass, EVENT)));
    assertNotNull(Jwks.verifiedClaims(after.jwks(), oldPass));
    assertEquals(next.kid(), header(newPass).getString("kid"));
    assertNotNull(Jwks.verifiedClaims(after.jwks(), newPass));
    ApiError refused = assertInstanceOf(ApiError.class, failure(keys.rotate(pool)));
    assertEquals(409, refused.status());
    assertEquals("pass_keys_configured", refused.code());
    assertTrue(refused.getMessage().contains("FOYER_PASS_KEY_PREVIOUS"), refused.getMessage());
  }

  // ---- generated keys, sealed at rest

  @Test
  void aGeneratedKeyIsSealedAndANodeWithAnotherSecretCannotOpenIt(Vertx vertx) throws Exception {
    migrate();
    PassKeyRing ring = await(new PassKeys(vertx, setup.config()).resolve(pool));

    List<Row> rows = storedRows();
    assertEquals(1, rows.size());
    Row row = rows.get(0);
    assertNull(row.getString("private_pem"));
    assertEquals(ring.current().kid(), row.getString("kid"));
    byte[] sealed = row.getBuffer("sealed").getBytes();
    String body = ring.current().privatePem().split("\n")[1];
    assertFalse(await(pool.query("SELECT row_to_json(k)::text AS j FROM pass_keys k").execute())
        .iterator().next().getString("j").contains(body), "no part of the PEM is readable in the table");
    assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("PRIVATE KEY"));
    assertFalse(Arrays.equals(ring.current().pkcs8(), Arrays.copyOf(sealed, ring.current().pkcs8().length)));
    assertThrows(Exception.class, () -> KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(sealed)));
    assertEquals(12, row.getBuffer("nonce").length());

    assertEquals(ring.current().kid(), await(new PassKeys(vertx, setup.config()).resolve(pool)).current().kid(),
        "a restart with the same secret finds the same key");

    PassKeys foreign = new PassKeys(vertx, setup.config().withKeys(TestSetup.ADMIN_KEY, "another-secret-0123456789"));
    for (Future<PassKeyRing> attempt : List.of(foreign.resolve(pool), foreign.reload(pool), foreign.rotate(pool))) {
      Throwable err = failure(attempt);
      assertInstanceOf(PassKeyException.class, err);
      assertTrue(err.getMessage().contains("sealed under another FOYER_SECRET"), err.getMessage());
      assertEquals(0, err.getStackTrace().length);
    }
    List<Row> after = storedRows();
    assertEquals(1, after.size(), "no new key replaced the one it could not open");
    assertEquals(row.getBuffer("sealed"), after.get(0).getBuffer("sealed"));
  }

  @Test
  void aPlainTextKeyFromAnOlderVersionIsSealedAndKeepsWorking(Vertx vertx) throws Exception {
    // the schema as the version before the ring left it: migrations 1 and 2, the key in plain text
    String quoted = "\"" + setup.schema() + "\"";
    await(pool.query("CREATE SCHEMA " + quoted).execute());
    await(pool.query("CREATE TABLE " + quoted + ".schema_version (version int PRIMARY KEY, name text NOT NULL, "
        + "applied_at timestamptz NOT NULL DEFAULT now())").execute());
    List<String> older = List.of("V1__events_seats_reservations.sql", "V2__opening_seed.sql");
    for (int i = 0; i < older.size(); i++) {
      await(pool.query(resource("db/migration/" + older.get(i))).execute());
      await(pool.preparedQuery("INSERT INTO schema_version (version, name) VALUES ($1, $2)")
          .execute(Tuple.of(i + 1, older.get(i))));
    }
    String pem = PassKey.generatePem();
    await(pool.preparedQuery("INSERT INTO pass_keys (id, private_pem) VALUES (1, $1)").execute(Tuple.of(pem)));
    Passes oldNode = new Passes(vertx, PassKeyRing.of(PassKey.fromPem(pem)));
    String issuedBefore = oldNode.issue(EVENT, "visitor-1", System.currentTimeMillis() + 60_000);

    migrate();
    assertEquals(pem, storedRows().get(0).getString("private_pem"), "SQL alone cannot seal it: the row waits as it was");
    PassKeyRing ring = await(new PassKeys(vertx, setup.config()).resolve(pool));

    assertEquals(PassKey.fromPem(pem).kid(), ring.current().kid());
    Row row = storedRows().get(0);
    assertNull(row.getString("private_pem"));
    assertNotNull(row.getBuffer("sealed"));
    Passes upgraded = new Passes(vertx, await(new PassKeys(vertx, setup.config()).reload(pool)));
    assertEquals("visitor-1", await(upgraded.verify(issuedBefore, EVENT)));
  }

  // ---- rotation

  @Test
  void rotationSignsWithTheNewKeyKeepsThePreviousAndASecondDropsTheOldest(Vertx vertx) throws Exception {
    migrate();
    PassKeys keys = new PassKeys(vertx, setup.config());
    PassKeyRing first = await(keys.resolve(pool));
    Passes passes = new Passes(vertx, first);
    Passes otherNode = new Passes(vertx, await(new PassKeys(vertx, setup.config()).reload(pool)));
    String pass0 = passes.issue(EVENT, "visitor-0", System.currentTimeMillis() + 60_000);

    PassKeyRing second = await(keys.rotate(pool));
    passes.use(second);
    otherNode.use(await(new PassKeys(vertx, setup.config()).reload(pool)));
    String pass1 = otherNode.issue(EVENT, "visitor-1", System.currentTimeMillis() + 60_000);

    String k0 = first.current().kid();
    String k1 = second.current().kid();
    assertNotEquals(k0, k1);
    assertEquals(List.of(k1, k0), kids(passes.jwks()));
    assertEquals(passes.jwks(), otherNode.jwks(), "every node that reloaded serves the same set");
    assertEquals(k1, header(pass1).getString("kid"));
    assertEquals("RS256", header(pass1).getString("alg"));
    assertNotNull(Jwks.verifiedClaims(otherNode.jwks(), pass1));
    assertNotNull(Jwks.verifiedClaims(otherNode.jwks(), pass0), "a pass signed before the rotation still verifies");
    assertEquals("visitor-0", await(otherNode.verify(pass0, EVENT)));
    assertEquals("visitor-1", await(passes.verify(pass1, EVENT)));

    PassKeyRing third = await(keys.rotate(pool));
    passes.use(await(keys.reload(pool)));
    String k2 = third.current().kid();

    assertEquals(List.of(k2, k1), kids(passes.jwks()));
    assertNull(Jwks.verifiedClaims(passes.jwks(), pass0), "the oldest key is gone from the JWKS");
    ApiError rejected = assertInstanceOf(ApiError.class, failure(passes.verify(pass0, EVENT)));
    assertEquals(403, rejected.status());
    assertEquals("visitor-1", await(passes.verify(pass1, EVENT)));
    assertEquals(2, storedRows().size());
  }

  @Test
  void overlappingRotationsOnTwoNodesLeaveOneRing(Vertx vertx) throws Exception {
    migrate();
    PassKeyRing before = await(new PassKeys(vertx, setup.config()).resolve(pool));
    Pool otherPool = setup.pg(vertx);
    try {
      Future<PassKeyRing> a = new PassKeys(vertx, setup.config()).rotate(pool);
      Future<PassKeyRing> b = new PassKeys(vertx, setup.config()).rotate(otherPool);
      await(Future.all(a, b));
      PassKeyRing stored = await(new PassKeys(vertx, setup.config()).reload(pool));

      assertEquals(kids(stored.jwks()), kids(a.result().jwks()));
      assertEquals(kids(stored.jwks()), kids(b.result().jwks()));
      assertEquals(before.current().kid(), stored.previous().kid(),
          "two rotations at once make one new key, so passes signed just before still verify");
      assertEquals(2, storedRows().size());
    } finally {
      await(otherPool.close());
    }
  }

  @Test
  void rotationWhilePostgresIsDownAnswers503(Vertx vertx) throws Exception {
    RefusingPort down = new RefusingPort();
    Pool nowhere = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(TestServices.pgUrl())
        .setPort(down.port())).using(vertx).build();
    try (down) {
      ApiError err = assertInstanceOf(ApiError.class, failure(new PassKeys(vertx, setup.config()).rotate(nowhere)));
      assertEquals(503, err.status());
      assertEquals("dependency_down", err.code());
    } finally {
      await(nowhere.close());
    }
  }

  // ---- helpers

  private void migrate() throws Exception {
    await(Migrations.run(pool, setup.schema()));
  }

  private List<Row> storedRows() throws Exception {
    RowSet<Row> rows = await(pool.query("SELECT * FROM pass_keys ORDER BY slot").execute());
    List<Row> out = new java.util.ArrayList<>();
    rows.forEach(out::add);
    return out;
  }

  private void assertRefused(Vertx vertx, FoyerConfig config, String expected) throws Exception {
    Throwable err = failure(new PassKeys(vertx, config).resolve(pool));
    assertInstanceOf(PassKeyException.class, err, String.valueOf(err));
    assertTrue(err.getMessage().contains(expected), "expected '" + expected + "' in: " + err.getMessage());
    assertEquals(0, err.getStackTrace().length);
  }

  private static List<String> kids(JsonObject jwks) {
    return jwks.getJsonArray("keys").stream().map(k -> ((JsonObject) k).getString("kid")).toList();
  }

  private static JsonObject header(String jwt) {
    return new JsonObject(Jwks.decode(jwt.split("\\.")[0]));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  /** The RSAPrivateKey inside a PKCS#8 PrivateKeyInfo: the content of its final OCTET STRING. */
  private static byte[] pkcs1Of(byte[] pkcs8) {
    int i = 1 + lengthBytes(pkcs8, 1); // outer SEQUENCE header
    i += 3; // INTEGER 0
    i += 2 + (pkcs8[i + 1] & 0xff); // AlgorithmIdentifier SEQUENCE (short form)
    if (pkcs8[i] != 0x04) {
      fail("unexpected PKCS#8 layout");
    }
    int length = length(pkcs8, i + 1);
    int start = i + 1 + lengthBytes(pkcs8, i + 1);
    return Arrays.copyOfRange(pkcs8, start, start + length);
  }

  private static int lengthBytes(byte[] der, int at) {
    return (der[at] & 0x80) == 0 ? 1 : 1 + (der[at] & 0x7f);
  }

  private static int length(byte[] der, int at) {
    if ((der[at] & 0x80) == 0) {
      return der[at];
    }
    int value = 0;
    for (int k = 1; k <= (der[at] & 0x7f); k++) {
      value = (value << 8) | (der[at + k] & 0xff);
    }
    return value;
  }

  private static String resource(String path) throws Exception {
    try (InputStream in = PassKeysTest.class.getClassLoader().getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  static Throwable failure(Future<?> future) throws Exception {
    try {
      future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    return fail("expected a failure");
  }
}

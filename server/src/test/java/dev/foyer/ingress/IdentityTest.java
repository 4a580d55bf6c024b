package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.HostileSite;
import dev.foyer.support.Waits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The booking site's identity token: one person, one place, on whichever device and node. */
@ExtendWith(VertxExtension.class)
class IdentityTest {

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2);

  private static String publicPem;
  private static String privatePem;
  private static JsonObject jwk;

  @BeforeAll
  static void siteKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    publicPem = pem("PUBLIC KEY", pair.getPublic().getEncoded());
    privatePem = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    java.security.interfaces.RSAPublicKey rsa = (java.security.interfaces.RSAPublicKey) pair.getPublic();
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    jwk = new JsonObject().put("kty", "RSA").put("alg", "RS256").put("use", "sig").put("kid", "site-1")
        .put("n", url.encodeToString(unsigned(rsa.getModulus()))).put("e", url.encodeToString(unsigned(rsa.getPublicExponent())));
  }

  private static byte[] unsigned(java.math.BigInteger n) {
    byte[] b = n.toByteArray();
    return b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** What the booking site signs for its logged-in user. */
  private static String identityToken(Vertx vertx, String audience, String user) {
    JWTAuth site = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("RS256").setBuffer(privatePem)));
    return site.generateToken(new JsonObject().put("sub", user).put("aud", audience)
        .put("exp", Instant.now().plusSeconds(600).getEpochSecond()), new JWTOptions().setAlgorithm("RS256")
        .setHeader(new JsonObject().put("kid", "site-1")));
  }

  @Test
  void tokensVerifyAgainstTheSitesJwksUrl(Vertx vertx) {
    String event = "identity-jwks";
    ApiClient api = cluster.api(0);
    AtomicInteger fetched = new AtomicInteger();
    io.vertx.core.http.HttpServer site = await(vertx.createHttpServer().requestHandler(req -> {
      fetched.incrementAndGet();
      req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("keys", new io.vertx.core.json.JsonArray().add(jwk)).encode());
    }).listen(0, "127.0.0.1"));
    await(api.createEvent(event, new JsonObject().put("gate", "on").put("paused", true)
        .put("identity", new JsonObject().put("mode", "optional")
            .put("jwksUrl", "http://127.0.0.1:" + site.actualPort() + "/.well-known/jwks.json"))));
    HttpResponse<Buffer> first = await(joinAs(api, event, identityToken(vertx, event, "lin")));
    HttpResponse<Buffer> second = await(joinAs(api, event, identityToken(vertx, event, "lin")));
    HttpResponse<Buffer> anonymous = await(joinAs(api, event, null));
    assertEquals(201, first.statusCode(), first.bodyAsString());
    assertEquals(first.bodyAsJsonObject().getString("visitor"), second.bodyAsJsonObject().getString("visitor"));
    assertEquals(201, anonymous.statusCode(), "optional: a join without a token is a new visitor");
    assertEquals(1, fetched.get(), "the JWKS is fetched once and kept");
    site.close();
  }

  @Test
  void whileTheSitesJwksIsDownAJoinSurgeIsNoFetchSurge(Vertx vertx) {
    String event = "identity-jwks-down";
    ApiClient api = cluster.api(0);
    AtomicInteger fetched = new AtomicInteger();
    String token = identityToken(vertx, event, "surge");
    io.vertx.core.http.HttpServer site = await(vertx.createHttpServer().requestHandler(req -> {
      fetched.incrementAndGet();
      req.response().setStatusCode(500).end();
    }).listen(0, "127.0.0.1"));
    await(api.createEvent(event, new JsonObject().put("gate", "on").put("paused", true)
        .put("identity", new JsonObject().put("mode", "required")
            .put("jwksUrl", "http://127.0.0.1:" + site.actualPort() + "/.well-known/jwks.json"))));
    List<Future<HttpResponse<Buffer>>> joins = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      joins.add(joinAs(api, event, token));
    }
    await(Future.all(joins));
    joins.stream().map(Future::result)
        .forEach(r -> assertEquals("dependency_down", r.bodyAsJsonObject().getString("error"), r.bodyAsString()));
    // one fetch per ingress instance, then none for Identities.RETRY_MILLIS (40 before the change)
    assertTrue(fetched.get() <= 4, "fetched " + fetched.get() + " times for 40 joins");
    site.close();
  }

  /** A join's answer as the joiner saw it: status, error code and how long it waited for it. */
  private record Timed(int status, String error, long millis) {
  }

  private static Future<Timed> timedJoin(ApiClient api, String event, String token, long giveUpMillis) {
    long start = System.nanoTime();
    return api.request(HttpMethod.POST, "/api/events/" + event + "/visitors").timeout(giveUpMillis)
        .sendJsonObject(new JsonObject().put("identity", token))
        .map(r -> new Timed(r.statusCode(), r.statusCode() == 201 ? null : r.bodyAsJsonObject().getString("error"),
            (System.nanoTime() - start) / 1_000_000))
        .otherwise(err -> new Timed(0, "no answer: " + err.getMessage(), (System.nanoTime() - start) / 1_000_000));
  }

  @Test
  void aBrokenOrHostileJwksCostsAJoinAtMostTheFetchDeadlineAndTheNodesStayUp(Vertx vertx) throws Exception {
    // the real limits (256 KiB, 3 s); a loaded two-core machine may add a few seconds to the answer
    long deadline = dev.foyer.common.BoundedFetch.Limits.defaults().deadlineMillis();
    long margin = 5_000;
    List<String> ways = List.of("endless", "drip", "garbage", "error", "announced");
    JsonObject good = new JsonObject().put("keys", new io.vertx.core.json.JsonArray().add(jwk));
    HostileSite site = await(HostileSite.start(vertx, good, 1_000));
    try {
      await(Future.all(ways.stream().map(way -> cluster.api(0).createEvent("jwks-" + way, new JsonObject()
          .put("gate", "on").put("paused", true).put("identity", new JsonObject().put("mode", "required")
              .put("jwksUrl", site.url("/" + way))))).toList()));
      // each node fetches on its own: joins on both, several at once per event
      List<Future<Timed>> joins = new ArrayList<>();
      for (String way : ways) {
        for (int i = 0; i < 4; i++) {
          joins.add(timedJoin(cluster.api(i % 2), "jwks-" + way, identityToken(vertx, "jwks-" + way, "u" + i),
              deadline + margin + 10_000));
        }
      }
      await(Future.all(joins));
      HttpResponse<Buffer> health0 = await(cluster.api(0).request(HttpMethod.GET, "/health").send());
      HttpResponse<Buffer> health1 = await(cluster.api(1).request(HttpMethod.GET, "/health").send());
      for (int i = 0; i < joins.size(); i++) {
        Timed join = joins.get(i).result();
        String where = "jwks-" + ways.get(i / 4) + ": " + join;
        assertEquals(503, join.status(), where);
        assertEquals("dependency_down", join.error(), where);
        assertTrue(join.millis() < deadline + margin, where);
      }
      // the endless body: 256 KiB read, plus what the socket buffers took in before the reset
      assertTrue(site.mostSentOnOneAnswer() < 16L << 20,
          site.mostSentOnOneAnswer() + " bytes of the endless body were taken");
      assertEquals(200, health0.statusCode());
      assertEquals(200, health1.statusCode());
      // the site mends: after the 5 s back-off each event's joins verify against its keys
      site.heal();
      for (String way : ways) {
        Waits.until("jwks-" + way + " joins once the site mends", 30_000, () -> await(timedJoin(cluster.api(0),
            "jwks-" + way, identityToken(vertx, "jwks-" + way, "later"), 10_000)).status() == 201);
      }
    } finally {
      await(site.close());
    }
  }

  private static JsonObject required() {
    // the body may carry no control characters: the PEM's line breaks go as "\n" escapes
    return new JsonObject().put("mode", "required").put("publicKey", publicPem.replace("\n", "\\n"));
  }

  private static Future<HttpResponse<Buffer>> joinAs(ApiClient api, String event, String token) {
    JsonObject body = token == null ? new JsonObject() : new JsonObject().put("identity", token);
    return api.request(HttpMethod.POST, "/api/events/" + event + "/visitors").sendJsonObject(body);
  }

  @Test
  void twoDevicesWithOneIdentityShareOnePlace(Vertx vertx) {
    String event = "identity-one";
    ApiClient phone = cluster.api(0);
    ApiClient laptop = cluster.api(1);
    List<HttpResponse<Buffer>> answers = new ArrayList<>();
    await(phone.createEvent(event, new JsonObject().put("gate", "on").put("paused", true).put("identity", required())));
    answers.add(await(joinAs(phone, event, null)));
    answers.add(await(joinAs(phone, event, "not.a.jwt")));
    answers.add(await(joinAs(phone, event, identityToken(vertx, "another-event", "ada"))));
    answers.add(await(joinAs(phone, event, identityToken(vertx, event, "ada"))));
    answers.add(await(joinAs(laptop, event, identityToken(vertx, event, "ada"))));
    answers.add(await(joinAs(laptop, event, identityToken(vertx, event, "grace"))));
    JsonObject stats = await(phone.stats(event));
    assertEquals(401, answers.get(0).statusCode());
    assertEquals("identity_required", answers.get(0).bodyAsJsonObject().getString("error"));
    assertEquals("identity_invalid", answers.get(1).bodyAsJsonObject().getString("error"));
    assertEquals("identity_invalid", answers.get(2).bodyAsJsonObject().getString("error"), "audience = the event");
    JsonObject first = answers.get(3).bodyAsJsonObject();
    JsonObject second = answers.get(4).bodyAsJsonObject();
    assertEquals(201, answers.get(3).statusCode(), first.encode());
    assertEquals(first.getString("visitor"), second.getString("visitor"), "the laptop gets the phone's place");
    assertEquals(first.getLong("position"), second.getLong("position"));
    assertNotEquals(first.getString("visitor"), answers.get(5).bodyAsJsonObject().getString("visitor"));
    assertEquals(2, stats.getLong("waiting"), "two people, two places");
  }

  @Test
  void anIdentityInAPreQueueOfDaysIsRememberedUntilPastItsOpening(Vertx vertx) {
    String event = "identity-days";
    ApiClient api = cluster.api(0);
    Instant opensAt = Instant.now().plus(java.time.Duration.ofDays(3)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    JsonObject body = new JsonObject().put("name", "Days").put("opensAt", opensAt.toString())
        .put("seats", ApiClient.layout(2, 2)).put("settings", new JsonObject().put("opening", "shuffle")
            .put("identity", required()));
    io.vertx.redis.client.Redis redis = cluster.redis();
    await(api.admin(HttpMethod.PUT, "/api/admin/events/" + event).sendJsonObject(body));
    HttpResponse<Buffer> joined = await(joinAs(api, event, identityToken(vertx, event, "early-bird")));
    io.vertx.redis.client.Response keys = await(redis.send(io.vertx.redis.client.Request.cmd(
        io.vertx.redis.client.Command.KEYS).arg(cluster.setup().prefix() + ":{" + event + "}:identity:*")));
    long ttl = await(redis.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.PTTL)
        .arg(keys.get(0).toString()))).toLong();
    assertEquals(201L, (long) joined.statusCode());
    long untilOpening = opensAt.toEpochMilli() - System.currentTimeMillis();
    // a day was the whole memory before: the identity could join again two days before its draw
    assertTrue(ttl > untilOpening, "remembered " + ttl + " ms, the opening is in " + untilOpening + " ms");
  }

  @Test
  void theShuffledOpeningDrawsEachIdentityOnce(Vertx vertx) throws Exception {
    String event = "identity-shuffle";
    ApiClient api = cluster.api(0);
    Instant opensAt = Instant.now().plusSeconds(5).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    JsonObject body = new JsonObject().put("name", "Shuffle").put("opensAt", opensAt.toString())
        .put("seats", ApiClient.layout(2, 2)).put("settings", new JsonObject().put("opening", "shuffle")
            .put("paused", true).put("gate", "on").put("identity", required()));
    List<Future<HttpResponse<Buffer>>> joins = new ArrayList<>();
    await(api.admin(HttpMethod.PUT, "/api/admin/events/" + event).sendJsonObject(body));
    // one person with 50 tabs and two devices, and five other people
    for (int i = 0; i < 50; i++) {
      joins.add(joinAs(cluster.api(i % 2), event, identityToken(vertx, event, "bot")));
    }
    for (int i = 0; i < 5; i++) {
      joins.add(joinAs(api, event, identityToken(vertx, event, "fan-" + i)));
    }
    await(Future.all(joins));
    JsonObject[] stats = {null};
    Waits.until("the opening draws", 20_000, () -> {
      stats[0] = await(api.stats(event));
      return stats[0].getLong("waiting") > 0;
    });
    joins.forEach(f -> assertEquals(201, f.result().statusCode(), f.result().bodyAsString()));
    assertEquals(1, joins.subList(0, 50).stream().map(f -> f.result().bodyAsJsonObject().getString("visitor"))
        .distinct().count(), "the bot's 50 joins are one place");
    assertEquals(6, stats[0].getLong("waiting"), "the opening drew six people, each once: " + stats[0].encode());
  }
}

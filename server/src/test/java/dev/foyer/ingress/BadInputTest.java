package dev.foyer.ingress;

import dev.foyer.FoyerConfig;
import dev.foyer.pass.QueueTokens;
import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.RedisSnapshot;
import dev.foyer.support.StoredState;
import dev.foyer.support.TestSetup;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every kind of bad input gets the contract's status and code, and leaves Redis and PostgreSQL
 * exactly as they were.
 */
@ExtendWith(VertxExtension.class)
class BadInputTest {

  private static final String EVENT = "jazz-club";
  private static final String OTHER = "opera-house";

  /** The setup's own joins come as this client, which no limit counts, so they leave no bucket behind. */
  private static final String SETUP_CLIENT = "192.0.2.7";

  /**
   * Loopback is the trusted proxy but, unlike the rest of the suite, not exempt from the limits per
   * client: a refusal that spent a limit token would show as a new bucket. (The setup's joins are
   * exempt: a bucket they left would refill and expire while a test watches.)
   */
  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1).deployedWith(config -> config.withClients(
      new FoyerConfig.Clients(List.of("127.0.0.0/8", "::1"), List.of(SETUP_CLIENT), 60, 600)));

  /** What moves while the test watches, refusal or not, by design. */
  private static final List<RedisSnapshot.Ignored> MOVING_ON_THEIR_OWN = java.util.stream.Stream.concat(
      RedisSnapshot.Ignored.BACKGROUND.stream(),
      java.util.stream.Stream.of(RedisSnapshot.Ignored.key("admin-failures:.*",
          "a wrong admin key is counted on purpose: past 10, 429 too_many_failures (docs/API.md)"))).toList();

  private JsonObject visitor;
  private JsonObject otherVisitor;

  @BeforeEach
  void createEventsAndVisitors() {
    ApiClient api = cluster.api();
    JsonObject paused = new JsonObject().put("paused", true).put("gate", "on");
    await(api.createEvent(EVENT, paused));
    await(api.createEvent(OTHER, paused));
    visitor = setupJoin(EVENT).bodyAsJsonObject();
    setupJoin(EVENT);
    otherVisitor = setupJoin(OTHER).bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> setupJoin(String event) {
    HttpResponse<Buffer> r = await(cluster.api().request(HttpMethod.POST, "/api/events/" + event + "/visitors")
        .putHeader("X-Forwarded-For", SETUP_CLIENT).send());
    assertEquals(201, r.statusCode(), r.bodyAsString());
    return r;
  }

  @Test
  void malformedOrMistypedEventDefinitionsAreRejectedWithTheirCode() {
    ApiClient api = cluster.api();
    String path = "/api/admin/events/" + EVENT;
    JsonObject seats = ApiClient.layout(2, 2);
    expectAll(List.of(
        expect(() -> api.admin(HttpMethod.PUT, path).putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{\"name\": ")), 400, "invalid_json"),
        expect(() -> api.admin(HttpMethod.PUT, path).putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("[1, 2]")), 400, "invalid_json"),
        expect(() -> api.admin(HttpMethod.PUT, path).send(), 400, "invalid_json"),
        expect(() -> api.admin(HttpMethod.PUT, path).sendJsonObject(new JsonObject().put("name", 42).put("seats", seats)),
            400, "invalid_name"),
        expect(() -> api.admin(HttpMethod.PUT, path).sendJsonObject(new JsonObject().put("name", "x").put("seats", seats)
            .put("venue", "the moon")), 400, "unknown_field"),
        expect(() -> api.admin(HttpMethod.PUT, path).sendJsonObject(new JsonObject().put("name", "x").put("seats", seats)
            .put("settings", new JsonObject().put("maxActive", "ten"))), 400, "invalid_setting"),
        expect(() -> api.admin(HttpMethod.PUT, path).sendJsonObject(new JsonObject().put("name", "x").put("seats", seats)
            .put("settings", new JsonObject().put("maxActive", -1))), 400, "invalid_setting"),
        expect(() -> api.admin(HttpMethod.PUT, path).sendJsonObject(new JsonObject().put("name", "x").put("seats", seats)
            .put("settings", new JsonObject().put("colour", "red"))), 400, "unknown_setting"),
        expect(() -> api.admin(HttpMethod.PUT, path).sendJsonObject(new JsonObject().put("name", "x")
            .put("seats", new JsonObject().put("sections", new io.vertx.core.json.JsonArray()
                .add(new JsonObject().put("name", "A").put("rows", "x").put("seatsPerRow", 3))))), 400, "invalid_layout"),
        expect(() -> api.admin(HttpMethod.PUT, path).sendJsonObject(new JsonObject().put("name", "x").put("seats", seats)
            .put("opensAt", "tomorrow")), 400, "invalid_opens_at"),
        expect(() -> api.admin(HttpMethod.PUT, path).sendBuffer(Buffer.buffer(new byte[9 * 1024 * 1024])),
            413, "body_too_large"),
        expect(() -> api.admin(HttpMethod.PUT, "/api/admin/events/Bad_Id").sendJsonObject(
            new JsonObject().put("name", "x").put("seats", seats)), 400, "invalid_event_id"),
        expect(() -> api.admin(HttpMethod.PUT, path + "/gate").sendJsonObject(new JsonObject().put("mode", "sideways")),
            400, "invalid_gate_mode"),
        expect(() -> api.admin(HttpMethod.PUT, path + "/settings").sendJsonObject(new JsonObject().put("colour", "red")),
            400, "unknown_setting"),
        expect(() -> api.admin(HttpMethod.PUT, path + "/settings").sendJsonObject(new JsonObject().put("admitPerMinute", -5)),
            400, "invalid_setting"),
        expect(() -> api.admin(HttpMethod.PUT, "/api/admin/events/no-such-event/settings")
            .sendJsonObject(new JsonObject().put("paused", true)), 404, "unknown_event"),
        expect(() -> api.admin(HttpMethod.GET, "/api/admin/events/no-such-event/stats").send(), 404, "unknown_event")));
  }

  @Test
  void adminCallsWithoutTheRightKeyGet401() {
    ApiClient api = cluster.api();
    String path = "/api/admin/events/" + EVENT;
    JsonObject body = new JsonObject().put("name", "Taken over").put("seats", ApiClient.layout(1, 1));
    expectAll(List.of(
        expect(() -> api.request(HttpMethod.PUT, path).sendJsonObject(body), 401, "missing_admin_key"),
        expect(() -> api.request(HttpMethod.PUT, path).bearerTokenAuthentication("guess").sendJsonObject(body),
            401, "invalid_admin_key"),
        expect(() -> api.request(HttpMethod.PUT, path + "/gate").bearerTokenAuthentication(visitor.getString("token"))
            .sendJsonObject(new JsonObject().put("mode", "off")), 401, "invalid_admin_key"),
        expect(() -> api.request(HttpMethod.GET, path + "/stats").send(), 401, "missing_admin_key")));
  }

  @Test
  void badJoinsAreRejectedWithTheirCode() {
    ApiClient api = cluster.api();
    String path = "/api/events/" + EVENT + "/visitors";
    expectAll(List.of(
        expect(() -> api.request(HttpMethod.POST, path).putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{oops")), 400, "invalid_json"),
        expect(() -> api.request(HttpMethod.POST, path).sendBuffer(Buffer.buffer(new byte[20 * 1024])), 413, "body_too_large"),
        expect(() -> api.join("no-such-event"), 404, "unknown_event"),
        expect(() -> api.join("Bad_Id"), 400, "invalid_event_id"),
        expect(() -> api.join("-leading-dash"), 400, "invalid_event_id"),
        expect(() -> api.request(HttpMethod.POST, "/api/events/" + EVENT + "/visitor").send(), 404, "not_found")));
  }

  @Test
  void forgedAlteredExpiredAndCrossEventTokensGet401() {
    ApiClient api = cluster.api();
    String token = visitor.getString("token");
    String[] parts = token.split("\\.");
    String forged = parts[0] + "." + parts[1] + "." + parts[2] + "." + "AAAA" + parts[3].substring(4);
    String altered = parts[0] + "." + otherVisitor.getString("visitor") + "." + parts[2] + "." + parts[3];
    String expired = new QueueTokens(TestSetup.SECRET, -60).issue(EVENT, visitor.getString("visitor"),
        System.currentTimeMillis() / 1000);
    String wrongSecret = new QueueTokens("another-secret-of-16-chars", 3600).issue(EVENT, visitor.getString("visitor"),
        System.currentTimeMillis() / 1000);
    String crossEvent = otherVisitor.getString("token");
    List<Expectation> expectations = new ArrayList<>();
    for (String bad : List.of(forged, altered, expired, wrongSecret, crossEvent, "not-a-token")) {
      expectations.add(expect(() -> api.me(EVENT, bad), 401, "invalid_token"));
      expectations.add(expect(() -> api.rejoin(EVENT, bad), 401, "invalid_token"));
      expectations.add(expect(() -> api.leave(EVENT, bad), 401, "invalid_token"));
    }
    expectations.add(expect(() -> api.request(HttpMethod.GET, "/api/events/" + EVENT + "/visitors/me").send(),
        401, "missing_token"));
    expectations.add(expect(() -> api.request(HttpMethod.DELETE, "/api/events/" + EVENT + "/visitors/me")
        .putHeader("Authorization", "Basic dXNlcjpwYXNz").send(), 401, "invalid_token"));
    expectAll(expectations);
  }

  private record Expectation(Supplier<Future<HttpResponse<Buffer>>> call, int status, String code) {
  }

  private static Expectation expect(Supplier<Future<HttpResponse<Buffer>>> call, int status, String code) {
    return new Expectation(call, status, code);
  }

  @Test
  void theContractsOtherRefusalsChangeNothingEither() {
    ApiClient api = cluster.api();
    String path = "/api/admin/events/" + EVENT;
    JsonObject seats = ApiClient.layout(2, 2);
    String joins = "/api/events/" + EVENT + "/visitors";
    expectAll(List.of(
        expect(() -> api.request(HttpMethod.POST, joins).putHeader("Content-Type", "text/plain")
            .sendBuffer(Buffer.buffer("{}")), 415, "unsupported_media_type"),
        expect(() -> api.admin(HttpMethod.PUT, path).putHeader("Content-Type", "application/x-www-form-urlencoded")
            .sendBuffer(Buffer.buffer("name=x")), 415, "unsupported_media_type"),
        expect(() -> api.admin(HttpMethod.PUT, path).sendJsonObject(new JsonObject().put("name", "Jazz\u0000club")
            .put("seats", seats)), 400, "invalid_characters"),
        expect(() -> api.admin(HttpMethod.PUT, path).sendJsonObject(new JsonObject().put("name", "x")
            .put("seats", new JsonObject().put("sections", new io.vertx.core.json.JsonArray()
                .add(new JsonObject().put("name", "A\n").put("rows", 1).put("seatsPerRow", 1))))),
            400, "invalid_characters"),
        expect(() -> api.admin(HttpMethod.PUT, path).putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer("{\"name\": \"x\", \"seats\": " + seats.encode()
                + ", \"settings\": {\"maxActive\": 18446744073709551623}}")), 400, "invalid_setting"),
        expect(() -> api.admin(HttpMethod.PUT, path + "/settings").putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer("{\"admitPerMinute\": 1e30}")), 400, "invalid_setting"),
        expect(() -> api.admin(HttpMethod.PUT, path).putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer("{\"name\": \"x\", \"seats\": {\"sections\": [{\"name\": \"A\", "
                + "\"rows\": 18446744073709551617, \"seatsPerRow\": 2}]}}")), 400, "invalid_layout"),
        expect(() -> api.request(HttpMethod.DELETE, "/api/events/" + EVENT).send(), 405, "method_not_allowed"),
        expect(() -> api.request(HttpMethod.PUT, joins).send(), 405, "method_not_allowed")));
  }

  @Test
  void aWrongMethodIsToldWhichMethodsThePathTakes() {
    ApiClient api = cluster.api();
    HttpResponse<Buffer> event = await(api.request(HttpMethod.DELETE, "/api/events/" + EVENT).send());
    HttpResponse<Buffer> me = await(api.request(HttpMethod.PUT, "/api/events/" + EVENT + "/visitors/me").send());
    HttpResponse<Buffer> admin = await(api.admin(HttpMethod.POST, "/api/admin/events/" + EVENT).send());
    assertEquals(405, event.statusCode());
    assertEquals("GET, HEAD", event.getHeader("Allow"));
    assertEquals(405, me.statusCode());
    assertEquals("DELETE, GET, HEAD", me.getHeader("Allow"));
    assertEquals(405, admin.statusCode());
    assertEquals("PUT", admin.getHeader("Allow"));
  }

  /** Runs each bad call in turn, checking its answer and that the stored state did not move. */
  private void expectAll(List<Expectation> expectations) {
    for (Expectation e : expectations) {
      StoredState before = snapshot();
      HttpResponse<Buffer> response = await(e.call().get());
      assertEquals(e.status(), response.statusCode(), "answer: " + response.bodyAsString());
      JsonObject body = response.bodyAsJsonObject();
      assertEquals(e.code(), body.getString("error"));
      assertEquals(true, body.getString("message") != null && !body.getString("message").isBlank());
      StoredState after = snapshot();
      before.assertSameAs(after, "state changed after a " + e.code() + " answer");
    }
  }

  /**
   * Everything stored: every Redis key of the test's prefix (limit buckets, spent proofs of work,
   * presence and pre-queue included) and both events' rows and seats in PostgreSQL.
   */
  private StoredState snapshot() {
    return await(StoredState.of(cluster.redis(), cluster.setup().prefix(), MOVING_ON_THEIR_OWN, cluster.pg(),
        "SELECT id, name, opens_at, settings::text, layout::text FROM events ORDER BY id",
        "SELECT count(*), string_agg(event_id || seat_id || x || y, ',' ORDER BY event_id, seat_id) FROM seats"));
  }

}

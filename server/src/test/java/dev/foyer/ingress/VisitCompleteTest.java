package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.Waits;
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

import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code POST .../visitors/me/complete} on two nodes: the site's backend says, with the pass, that
 * the visitor is done. The slot frees at once (the next in line is let in), the unconfirmed hold is
 * released, and a completion is counted (admin stats, {@code foyer_gone_total{reason="completed"}})
 * apart from the departures; retries, concurrent ones from both nodes included, count it once.
 */
@ExtendWith(VertxExtension.class)
class VisitCompleteTest {

  private static final String EVENT = "street-fair";
  private static final String DONE = new JsonObject().put("event", EVENT).put("state", "gone")
      .put("reason", "completed").encode();

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(2);

  @BeforeEach
  void createEvent() {
    // one slot; nobody is reaped as disconnected while a test runs
    await(cluster.api(0).createEvent(EVENT, new JsonObject().put("gate", "off").put("maxActive", 1)
        .put("graceSeconds", 3600)));
  }

  static HttpResponse<Buffer> complete(ApiClient api, String pass) {
    return await(completing(api, pass));
  }

  private static Future<HttpResponse<Buffer>> completing(ApiClient api, String pass) {
    return api.request(HttpMethod.POST, "/api/events/" + EVENT + "/visitors/me/complete")
        .bearerTokenAuthentication(pass).send();
  }

  /**
   * foyer_gone_total{event, reason} as /metrics shows it. The nodes of one JVM share Vert.x's
   * default registry, so one node's figure counts what both did; it lives as long as the nodes,
   * across this class's tests, so a test compares it with what it was before.
   */
  static double gone(String event, String reason) {
    String text = await(cluster.api(0).request(HttpMethod.GET, "/metrics").send()).bodyAsString();
    return text.lines().filter(l -> l.startsWith("foyer_gone_total{") && l.contains("event=\"" + event + "\"")
            && l.contains("reason=\"" + reason + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** The departures and completions counted so far, by reason. */
  private static java.util.Map<String, Double> counted() {
    java.util.Map<String, Double> out = new java.util.TreeMap<>();
    for (String reason : List.of("completed", "left", "expired", "disconnected")) {
      out.put(reason, gone(EVENT, reason));
    }
    return out;
  }

  private static java.util.Map<String, Double> plus(java.util.Map<String, Double> before, String reason) {
    java.util.Map<String, Double> out = new java.util.TreeMap<>(before);
    out.merge(reason, 1.0, Double::sum);
    return out;
  }

  private static JsonObject me(ApiClient api, String token) {
    return await(api.me(EVENT, token)).bodyAsJsonObject();
  }

  /** The body with the visitor id left out, to compare answers of different visitors. */
  private static String withoutVisitor(HttpResponse<Buffer> r) {
    JsonObject body = r.bodyAsJsonObject().copy();
    body.remove("visitor");
    return body.encode();
  }

  @Test
  void completingFreesTheSlotAtOnceReleasesTheHoldAndCountsACompletionNotADeparture() throws Exception {
    ApiClient a = cluster.api(0);
    ApiClient b = cluster.api(1);
    var before = counted();
    JsonObject first = await(a.admitted(EVENT));
    String pass = first.getString("pass");
    JsonObject second = await(a.join(EVENT)).bodyAsJsonObject();
    assertEquals("waiting", second.getString("state"), "the one slot is taken");
    assertEquals(201, await(a.hold(EVENT, pass, "A-1-1", "A-1-2")).statusCode());

    HttpResponse<Buffer> done = complete(b, pass);
    assertEquals(200, done.statusCode(), done.bodyAsString());
    assertEquals(first.getString("visitor"), done.bodyAsJsonObject().getString("visitor"));
    assertEquals(DONE, withoutVisitor(done));

    // the slot went at once: the next in line is let in by the next tick, on whichever node ticks
    Waits.until("the next visitor is admitted", 10_000,
        () -> "active".equals(me(a, second.getString("token")).getString("state")));
    JsonObject gone = me(b, first.getString("token"));
    assertEquals("gone", gone.getString("state"));
    assertEquals("completed", gone.getString("reason"));
    Waits.until("the unconfirmed hold is released", 10_000, () -> {
      var seats = await(a.seatStatuses(EVENT));
      return "free".equals(seats.get("A-1-1")) && "free".equals(seats.get("A-1-2"));
    });
    assertEquals(401, await(a.request(HttpMethod.GET, "/api/events/" + EVENT + "/auth")
        .bearerTokenAuthentication(pass).send()).statusCode(), "the gate refuses the pass at once");
    assertEquals(new JsonObject().put("active", false), await(b.request(HttpMethod.POST, "/api/passes/introspect")
        .sendJsonObject(new JsonObject().put("token", pass))).bodyAsJsonObject());

    // counted once, as a completion and not as a departure; a retry on either node answers the same
    for (ApiClient api : List.of(a, b)) {
      HttpResponse<Buffer> again = complete(api, pass);
      assertEquals(200, again.statusCode(), again.bodyAsString());
      assertEquals(done.bodyAsString(), again.bodyAsString());
    }
    assertEquals(1, await(a.stats(EVENT)).getLong("completed"));
    assertEquals(plus(before, "completed"), counted(), "a completion, no departure");
  }

  @Test
  void concurrentCompletionsFromBothNodesCountOnce() {
    var before = counted();
    JsonObject visitor = await(cluster.api(0).admitted(EVENT));
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      calls.add(completing(cluster.api(i % 2), visitor.getString("pass")));
    }
    await(Future.all(calls));
    for (Future<HttpResponse<Buffer>> call : calls) {
      assertEquals(200, call.result().statusCode(), call.result().bodyAsString());
      assertEquals(DONE, withoutVisitor(call.result()));
    }
    assertEquals(1, await(cluster.api(1).stats(EVENT)).getLong("completed"));
    assertEquals(plus(before, "completed"), counted());
  }

  @Test
  void aVisitorNoLongerActiveIsRefusedWithWhyAndNothingIsCounted() {
    ApiClient a = cluster.api(0);
    var before = counted();
    JsonObject visitor = await(a.admitted(EVENT));
    assertEquals(204, await(a.leave(EVENT, visitor.getString("token"))).statusCode());
    for (int node = 0; node < 2; node++) {
      HttpResponse<Buffer> refused = complete(cluster.api(node), visitor.getString("pass"));
      assertEquals(403, refused.statusCode(), refused.bodyAsString());
      assertEquals("not_admitted", refused.bodyAsJsonObject().getString("error"));
      assertEquals("left", refused.bodyAsJsonObject().getString("reason"));
    }
    HttpResponse<Buffer> noPass = await(a.request(HttpMethod.POST, "/api/events/" + EVENT + "/visitors/me/complete")
        .send());
    assertEquals(401, noPass.statusCode());
    assertEquals("missing_pass", noPass.bodyAsJsonObject().getString("error"));
    HttpResponse<Buffer> token = complete(a, visitor.getString("token"));
    assertEquals(403, token.statusCode(), "a queue token is no pass");
    assertEquals(0, await(a.stats(EVENT)).getLong("completed"));
    assertEquals(plus(before, "left"), counted(), "the leave alone is counted");
  }
}

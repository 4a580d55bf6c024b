package dev.foyer.ingress;

import dev.foyer.support.ApiClient;
import dev.foyer.support.FoyerCluster;
import dev.foyer.support.OpenApiContract;
import dev.foyer.support.OpenApiContract.Request;
import dev.foyer.support.TestSetup;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static dev.foyer.support.OpenApiContract.Request.CONFORMS;
import static dev.foyer.support.OpenApiContract.Request.VIOLATES;
import static dev.foyer.support.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/openapi.yaml is the contract clients are generated from: every route the node's router
 * takes is in it and every operation in it is a route, and a scripted sale through every operation
 * (successes and refusals) has each request and answer checked against it.
 */
class OpenApiContractTest {

  @RegisterExtension
  static final FoyerCluster cluster = FoyerCluster.nodes(1);

  private static final String MAIN = "oa-main";
  private static final String LINE = "oa-line";
  private static final String POW = "oa-pow";
  private static final String SOON = "oa-soon";

  private OpenApiContract contract;
  private ApiClient api;

  /** One node deployed once for both checks: the route table, then the sale through it. */
  @Test
  void theContractDescribesEveryRouteAndASaleAnswersAsItSays() {
    contract = OpenApiContract.load(cluster.node().vertx());
    api = cluster.api();
    everyRouteIsInTheContractAndEveryOperationIsARoute();
    aSaleThroughEveryOperationAnswersAsTheContractSays();
  }

  private void everyRouteIsInTheContractAndEveryOperationIsARoute() {
    Set<String> routes = OpenApiContract.routes(router());
    assertTrue(contract.undescribed(routes).isEmpty(), "routes the server takes that docs/openapi.yaml does not "
        + "describe (add them): " + contract.undescribed(routes));
    assertTrue(contract.unrouted(routes).isEmpty(), "operations in docs/openapi.yaml that no route takes: "
        + contract.unrouted(routes));
  }

  private void aSaleThroughEveryOperationAnswersAsTheContractSays() {
    infrastructure();
    admin();
    String viewer = accounts();
    JsonObject a = visitors();
    lanes(viewer);
    announcements(viewer);
    holds(a);
    site();
    ending();
    reports(viewer);
    Set<String> unexercised = new TreeSet<>(contract.document().getJsonObject("paths").stream()
        .flatMap(p -> ((JsonObject) p.getValue()).stream().filter(op -> op.getValue() instanceof JsonObject o
            && o.containsKey("operationId")).map(op -> ((JsonObject) op.getValue()).getString("operationId")))
        .toList());
    contract.answered().forEach(a2 -> unexercised.remove(a2.substring(0, a2.indexOf(' '))));
    assertTrue(unexercised.isEmpty(), "operations this test never called: " + unexercised);
  }

  private void infrastructure() {
    call(200, CONFORMS, HttpMethod.GET, "/health", null, null);
    call(200, CONFORMS, HttpMethod.GET, "/.well-known/jwks.json", null, null);
    call(200, CONFORMS, HttpMethod.GET, "/metrics", null, null);
    HttpResponse<Buffer> served = call(200, CONFORMS, HttpMethod.GET, "/openapi.json", null, null);
    assertEquals(contract.document(), served.bodyAsJsonObject(), "/openapi.json answers docs/openapi.yaml as JSON");
    call(200, CONFORMS, HttpMethod.GET, "/admin", null, null);
    call(200, CONFORMS, HttpMethod.GET, "/", null, null);
    assertTrue(call(200, CONFORMS, HttpMethod.GET, "/i18n/strings.js?lang=ko", null, null).bodyAsString()
        .contains("\"lang\":\"ko\""));
    call(200, api, CONFORMS, HttpMethod.GET, "/i18n/strings.js", null, null,
        headers("Cookie", "foyer_lang=ko", "Accept-Language", "en-GB,en;q=0.9"));
  }

  private void admin() {
    JsonObject layout = new JsonObject().put("currency", "EUR")
        .put("categories", new JsonArray()
            .add(new JsonObject().put("id", "front").put("name", "Front").put("price", 6500))
            .add(new JsonObject().put("id", "rear").put("name", "Rear").put("price", 3900))
            .add(new JsonObject().put("id", "ga").put("name", "Standing").put("price", 2500)))
        .put("sections", new JsonArray()
            .add(new JsonObject().put("name", "A").put("rows", 4).put("seatsPerRow", 8).put("category", "rear")
                .put("categories", new JsonArray().add(new JsonObject().put("rows", "1-2").put("category", "front")))
                .put("accessible", new JsonArray()
                    .add(new JsonObject().put("row", 4).put("seats", "1").put("kind", "wheelchair"))
                    .add(new JsonObject().put("row", 4).put("seats", "2").put("kind", "companion"))))
            .add(new JsonObject().put("name", "Floor").put("standing", 50).put("category", "ga").put("y", 6)));
    JsonObject settings = new JsonObject().put("gate", "off").put("maxExtendSeconds", 300)
        .put("returnUrls", new JsonArray().add("https://tickets.example.com"))
        .put("limits", new JsonObject().put("joinsPerAddress", 1));
    String key = TestSetup.ADMIN_KEY;
    call(201, CONFORMS, HttpMethod.PUT, "/api/admin/events/" + MAIN, key,
        new JsonObject().put("name", "Main").put("seats", layout).put("settings", settings));
    call(200, CONFORMS, HttpMethod.PUT, "/api/admin/events/" + MAIN, key, new JsonObject().put("name", "Main event")
        .put("names", new JsonObject().put("ko", "메인 공연")).put("messages", new JsonObject().put("en", "Four a head."))
        .put("branding", new JsonObject().put("logo", "https://cdn.example.com/logo.png")
            .put("colors", new JsonObject().put("accent", "#E40")).put("text", "Presented by us")));
    call(400, VIOLATES, HttpMethod.PUT, "/api/admin/events/" + MAIN, key, new JsonObject().put("branding",
        new JsonObject().put("colors", new JsonObject().put("accent", "red"))));
    call(400, VIOLATES, HttpMethod.PUT, "/api/admin/events/" + MAIN, key, new JsonObject().put("names",
        new JsonObject().put("fr", "Principal")));
    JsonArray lanes = new JsonArray().add(new JsonObject().put("name", "presale").put("share", 0.5))
        .add(new JsonObject().put("name", "vip").put("share", 0.1)
            .put("joinsFrom", Instant.now().plusSeconds(3600).toString()));
    call(201, CONFORMS, HttpMethod.PUT, "/api/admin/events/" + LINE, key,
        new JsonObject().put("name", "Line").put("seats", ApiClient.layout(2, 5)).put("settings",
            new JsonObject().put("gate", "on").put("lanes", lanes)));
    call(201, CONFORMS, HttpMethod.PUT, "/api/admin/events/" + POW, key, new JsonObject().put("name", "Pow")
        .put("seats", ApiClient.layout(2, 5)).put("settings", new JsonObject()
            .put("pow", new JsonObject().put("mode", "fixed").put("difficulty", 1000))));
    call(201, CONFORMS, HttpMethod.PUT, "/api/admin/events/" + SOON, key, new JsonObject().put("name", "Soon")
        .put("opensAt", Instant.now().plusSeconds(3600).toString()).put("seats", ApiClient.layout(2, 5))
        .put("settings", new JsonObject().put("opening", "shuffle")));
    call(400, VIOLATES, HttpMethod.PUT, "/api/admin/events/oa-bad", key, new JsonObject().put("name", "Bad")
        .put("seats", new JsonObject().put("sections", new JsonArray().add(new JsonObject().put("name", "A")
            .put("rows", 0).put("seatsPerRow", 3)))));
    call(401, CONFORMS, HttpMethod.PUT, "/api/admin/events/" + MAIN, null, new JsonObject().put("name", "x"));
    call(401, CONFORMS, HttpMethod.PUT, "/api/admin/events/" + MAIN, "wrong-key", new JsonObject().put("name", "x"));
    call(200, CONFORMS, HttpMethod.PUT, "/api/admin/events/" + MAIN + "/settings", key,
        new JsonObject().put("holdSeconds", 300));
    call(400, VIOLATES, HttpMethod.PUT, "/api/admin/events/" + MAIN + "/settings", key, new JsonObject().put("nope", 1));
    call(200, CONFORMS, HttpMethod.PUT, "/api/admin/events/" + LINE + "/gate", key, new JsonObject().put("mode", "on"));
    call(400, VIOLATES, HttpMethod.PUT, "/api/admin/events/" + LINE + "/gate", key, new JsonObject().put("mode", "maybe"));
    call(200, CONFORMS, HttpMethod.GET, "/api/admin/events/" + MAIN + "/stats", key, null);
    call(404, CONFORMS, HttpMethod.GET, "/api/admin/events/oa-none/stats", key, null);
    call(200, CONFORMS, HttpMethod.GET, "/api/admin/events", key, null);
    call(200, CONFORMS, HttpMethod.POST, "/api/admin/pass-keys/rotate", key, null);
    ApiClient guesser = api.forwardedFor("198.51.100.7");
    for (int i = 0; i < AdminGuard.LIMIT; i++) {
      await(guesser.request(HttpMethod.GET, "/api/admin/events").bearerTokenAuthentication("guess-" + i).send());
    }
    call(429, guesser, CONFORMS, HttpMethod.GET, "/api/admin/events", key, null, MultiMap.caseInsensitiveMultiMap());
  }

  /** Joins, statuses, challenges and limits; answers visitor A, admitted on the main event. */
  private JsonObject visitors() {
    call(200, CONFORMS, HttpMethod.GET, "/api/events", null, null);
    call(200, CONFORMS, HttpMethod.GET, "/api/events/" + MAIN, null, null);
    call(200, CONFORMS, HttpMethod.GET, "/api/events/" + SOON, null, null);
    assertEquals(3, call(200, CONFORMS, HttpMethod.GET, "/api/events/" + LINE, null, null).bodyAsJsonObject()
        .getJsonArray("lanes").size());
    call(404, CONFORMS, HttpMethod.GET, "/api/events/oa-none", null, null);
    call(400, VIOLATES, HttpMethod.GET, "/api/events/Not_An_Id", null, null);
    MultiMap keyed = headers("Idempotency-Key", "join-attempt-0001");
    JsonObject a = call(201, api, CONFORMS, HttpMethod.POST, "/api/events/" + MAIN + "/visitors", null, null, keyed)
        .bodyAsJsonObject();
    assertEquals("active", a.getString("state"), a.encode());
    call(201, api, CONFORMS, HttpMethod.POST, "/api/events/" + MAIN + "/visitors", null, null, keyed);
    call(400, api, VIOLATES, HttpMethod.POST, "/api/events/" + MAIN + "/visitors", null, null,
        headers("Idempotency-Key", "short"));
    call(200, CONFORMS, HttpMethod.POST, "/api/events/" + MAIN + "/visitors", a.getString("token"), null);
    call(415, api, VIOLATES, HttpMethod.POST, "/api/events/" + MAIN + "/visitors", null, Buffer.buffer("hello"),
        headers("Content-Type", "text/plain"));
    call(413, api, CONFORMS, HttpMethod.POST, "/api/events/" + MAIN + "/visitors", null,
        new JsonObject().put("identity", "x".repeat(VisitorRoutes.BODY_LIMIT + 10)).toBuffer(),
        headers("Content-Type", "application/json"));
    ApiClient stranger = api.forwardedFor("203.0.113.5");
    call(201, stranger, CONFORMS, HttpMethod.POST, "/api/events/" + MAIN + "/visitors", null, null,
        MultiMap.caseInsensitiveMultiMap());
    call(429, stranger, CONFORMS, HttpMethod.POST, "/api/events/" + MAIN + "/visitors", null, null,
        MultiMap.caseInsensitiveMultiMap());
    call(200, CONFORMS, HttpMethod.GET, "/api/events/" + MAIN + "/visitors/me", a.getString("token"), null);
    call(401, CONFORMS, HttpMethod.GET, "/api/events/" + MAIN + "/visitors/me", null, null);
    call(401, CONFORMS, HttpMethod.GET, "/api/events/" + MAIN + "/visitors/me", "not.a.token", null);
    call(404, CONFORMS, HttpMethod.GET, "/api/events/" + MAIN + "/challenge", null, null);
    call(200, CONFORMS, HttpMethod.GET, "/api/events/" + POW + "/challenge", null, null);
    call(403, CONFORMS, HttpMethod.POST, "/api/events/" + POW + "/visitors", null, null);
    call(403, CONFORMS, HttpMethod.POST, "/api/events/" + POW + "/visitors", null, new JsonObject().put("pow", "bm9wZQ=="));
    JsonObject waiting = call(201, CONFORMS, HttpMethod.POST, "/api/events/" + LINE + "/visitors", null, null)
        .bodyAsJsonObject();
    call(201, CONFORMS, HttpMethod.POST, "/api/events/" + LINE + "/visitors", null, null);
    call(200, CONFORMS, HttpMethod.GET, "/api/events/" + LINE + "/visitors/me", waiting.getString("token"), null);
    call(204, CONFORMS, HttpMethod.DELETE, "/api/events/" + LINE + "/visitors/me", waiting.getString("token"), null);
    JsonObject early = call(201, CONFORMS, HttpMethod.POST, "/api/events/" + SOON + "/visitors", null, null)
        .bodyAsJsonObject();
    call(200, CONFORMS, HttpMethod.GET, "/api/events/" + SOON + "/visitors/me", early.getString("token"), null);
    call(200, CONFORMS, HttpMethod.GET, "/events/" + MAIN + "?lang=ko", null, null);
    call(200, CONFORMS, HttpMethod.GET, "/events/" + MAIN + "/seats", null, null);
    call(404, CONFORMS, HttpMethod.GET, "/events/oa-none", null, null);
    call(404, CONFORMS, HttpMethod.GET, "/events/oa-none/seats", null, null);
    return a;
  }

  /** The seat map and holds: visitor A and visitor B, both admitted. */
  private void holds(JsonObject a) {
    String passA = a.getString("pass");
    String passB = join(MAIN).getString("pass");
    String seats = "/api/events/" + MAIN + "/seats";
    HttpResponse<Buffer> map = call(200, CONFORMS, HttpMethod.GET, seats, null, null);
    call(304, api, CONFORMS, HttpMethod.GET, seats, null, null, headers("If-None-Match", map.getHeader("ETag")));
    JsonObject m = map.bodyAsJsonObject();
    String holdsPath = "/api/events/" + MAIN + "/holds";
    JsonObject heldA = call(201, CONFORMS, HttpMethod.POST, holdsPath, passA, seatsAsked("A-3-1", "A-3-2"))
        .bodyAsJsonObject();
    call(200, CONFORMS, HttpMethod.GET, seats + "?since=" + m.getString("generation") + "." + m.getLong("version"), null,
        null);
    call(400, VIOLATES, HttpMethod.GET, seats + "?since=yesterday", null, null);
    call(409, CONFORMS, HttpMethod.POST, holdsPath, passB, seatsAsked("A-3-2"));
    call(201, CONFORMS, HttpMethod.POST, holdsPath, passB, new JsonObject().put("best",
        new JsonObject().put("count", 2).put("category", "front")));
    JsonObject standing = call(201, CONFORMS, HttpMethod.POST, holdsPath, passB, new JsonObject().put("standing",
        new JsonObject().put("section", "Floor").put("count", 2))).bodyAsJsonObject();
    call(400, CONFORMS, HttpMethod.POST, holdsPath, passB, seatsAsked("Z-9-9"));
    call(422, CONFORMS, HttpMethod.POST, holdsPath, passB, seatsAsked("A-2-1", "A-2-2", "A-2-3", "A-2-4", "A-2-5"));
    call(400, VIOLATES, HttpMethod.POST, holdsPath, passB, new JsonObject());
    call(400, VIOLATES, HttpMethod.POST, holdsPath, passB, new JsonObject().put("seats", new JsonArray()));
    call(401, CONFORMS, HttpMethod.POST, holdsPath, null, seatsAsked("A-1-1"));
    call(403, CONFORMS, HttpMethod.POST, holdsPath, "forged.pass.here", seatsAsked("A-1-1"));
    String holdA = holdsPath + "/" + heldA.getString("holdId");
    call(403, CONFORMS, HttpMethod.DELETE, holdA, passB, null);
    call(204, CONFORMS, HttpMethod.DELETE, holdA, passA, null);
    call(404, CONFORMS, HttpMethod.DELETE, holdA, passA, null);
    String again = call(201, CONFORMS, HttpMethod.POST, holdsPath, passA, seatsAsked("A-3-1")).bodyAsJsonObject()
        .getString("holdId");
    call(201, CONFORMS, HttpMethod.POST, holdsPath + "/" + again + "/confirm", passA, null);
    call(201, CONFORMS, HttpMethod.POST, holdsPath + "/" + again + "/confirm", passA, null);
    String holdB = holdsPath + "/" + standing.getString("holdId");
    call(204, CONFORMS, HttpMethod.DELETE, holdB, passB, null);
    call(410, CONFORMS, HttpMethod.POST, holdB + "/confirm", passB, null);
    call(200, CONFORMS, HttpMethod.GET, "/api/events/" + MAIN + "/visitors/me", a.getString("token"), null);
  }

  /** What a site and its proxy call, for visitor C. */
  private void site() {
    JsonObject c = join(MAIN);
    String pass = c.getString("pass");
    String base = "/api/events/" + MAIN;
    call(200, CONFORMS, HttpMethod.GET, base + "/auth", pass, null);
    call(401, CONFORMS, HttpMethod.GET, base + "/auth", null, null);
    call(302, api, CONFORMS, HttpMethod.GET, base + "/auth?redirect=1", null, null,
        headers("X-Forwarded-Host", "tickets.example.com", "X-Forwarded-Uri", "/seats"));
    call(200, CONFORMS, HttpMethod.POST, "/api/passes/introspect", null, new JsonObject().put("token", pass));
    call(200, CONFORMS, HttpMethod.POST, "/api/passes/introspect", null, new JsonObject().put("token", "a.b.c"));
    call(400, VIOLATES, HttpMethod.POST, "/api/passes/introspect", null, new JsonObject());
    call(200, CONFORMS, HttpMethod.GET, base + "/return-url?url=https%3A%2F%2Ftickets.example.com%2Fback", null, null);
    call(400, CONFORMS, HttpMethod.GET, base + "/return-url?url=https%3A%2F%2Fevil.example", null, null);
    JsonObject url = new JsonObject().put("url", "https://tickets.example.com/back");
    String code = call(201, CONFORMS, HttpMethod.POST, base + "/visitors/me/return", c.getString("token"), url)
        .bodyAsJsonObject().getString("code");
    call(200, CONFORMS, HttpMethod.POST, base + "/return-codes", null, new JsonObject().put("code", code));
    call(400, CONFORMS, HttpMethod.POST, base + "/return-codes", null, new JsonObject().put("code", code));
    String next = call(201, CONFORMS, HttpMethod.POST, base + "/visitors/me/return", c.getString("token"), url)
        .bodyAsJsonObject().getString("code");
    call(302, CONFORMS, HttpMethod.GET, base + "/return?foyer_code=" + next + "&next=%2Fseats", null, null);
    call(400, CONFORMS, HttpMethod.GET, base + "/return?foyer_code=" + next, null, null);
    call(400, api, CONFORMS, HttpMethod.GET, base + "/return?foyer_code=" + next, null, null,
        headers("Accept", "text/html"));
    call(404, api, CONFORMS, HttpMethod.GET, "/api/events/oa-none/return?foyer_code=x", null, null,
        headers("Accept", "text/html"));
    MultiMap keyed = headers("Idempotency-Key", "extend-attempt-001");
    JsonObject sixty = new JsonObject().put("seconds", 60);
    call(200, api, CONFORMS, HttpMethod.POST, base + "/visitors/me/extend", pass, sixty.toBuffer(), json(keyed));
    call(200, api, CONFORMS, HttpMethod.POST, base + "/visitors/me/extend", pass, sixty.toBuffer(), json(keyed));
    call(409, CONFORMS, HttpMethod.POST, base + "/visitors/me/extend", pass, new JsonObject().put("seconds", 1000));
    call(400, VIOLATES, HttpMethod.POST, base + "/visitors/me/extend", pass, new JsonObject().put("seconds", 0));
    call(200, CONFORMS, HttpMethod.POST, base + "/visitors/me/complete", pass, null);
    call(200, CONFORMS, HttpMethod.POST, base + "/visitors/me/complete", pass, null);
    call(403, CONFORMS, HttpMethod.POST, base + "/visitors/me/extend", pass, sixty);
    call(401, CONFORMS, HttpMethod.POST, base + "/visitors/me/complete", null, null);
    call(204, CONFORMS, HttpMethod.DELETE, base + "/visitors/me", join(MAIN).getString("pass"), null);
  }

  private void ending() {
    String end = "/api/admin/events/" + MAIN + "/end";
    call(200, CONFORMS, HttpMethod.POST, end, TestSetup.ADMIN_KEY, new JsonObject().put("reason", "over")
        .put("message", "The tour is over."));
    call(400, VIOLATES, HttpMethod.POST, end, TestSetup.ADMIN_KEY, new JsonObject().put("reason", "bored"));
    call(410, CONFORMS, HttpMethod.POST, "/api/events/" + MAIN + "/visitors", null, null);
  }

  /** Operator keys, roles, who a key is and the audit log; answers a viewer's key. */
  private String accounts() {
    String key = TestSetup.ADMIN_KEY;
    String keys = "/api/admin/keys";
    String viewer = call(201, CONFORMS, HttpMethod.POST, keys, key, new JsonObject().put("name", "Door")
        .put("role", "viewer")).bodyAsJsonObject().getString("key");
    String spare = call(201, CONFORMS, HttpMethod.POST, keys, key, new JsonObject().put("name", "Spare")
        .put("role", "operator")).bodyAsJsonObject().getString("id");
    call(400, VIOLATES, HttpMethod.POST, keys, key, new JsonObject().put("name", "Boss").put("role", "boss"));
    call(403, CONFORMS, HttpMethod.POST, keys, viewer, new JsonObject().put("name", "Me").put("role", "admin"));
    call(200, CONFORMS, HttpMethod.GET, keys, key, null);
    call(403, CONFORMS, HttpMethod.GET, keys, viewer, null);
    assertEquals("viewer", call(200, CONFORMS, HttpMethod.GET, "/api/admin/me", viewer, null).bodyAsJsonObject()
        .getString("role"));
    call(401, CONFORMS, HttpMethod.GET, "/api/admin/me", null, null);
    call(403, CONFORMS, HttpMethod.DELETE, keys + "/" + spare, viewer, null);
    call(200, CONFORMS, HttpMethod.DELETE, keys + "/" + spare, key, null);
    call(404, CONFORMS, HttpMethod.DELETE, keys + "/aaaaaaaa", key, null);
    call(403, CONFORMS, HttpMethod.PUT, "/api/admin/events/" + MAIN, viewer, new JsonObject().put("name", "x"));
    call(403, CONFORMS, HttpMethod.POST, "/api/admin/pass-keys/rotate", viewer, null);
    long next = call(200, CONFORMS, HttpMethod.GET, "/api/admin/audit?event=" + MAIN + "&limit=1", viewer, null)
        .bodyAsJsonObject().getLong("next");
    call(200, CONFORMS, HttpMethod.GET, "/api/admin/audit?before=" + next, key, null);
    call(400, VIOLATES, HttpMethod.GET, "/api/admin/audit?limit=0", key, null);
    return viewer;
  }

  /** Codes for the line's lanes, and joins with them. */
  private void lanes(String viewer) {
    String key = TestSetup.ADMIN_KEY;
    String codes = "/api/admin/events/" + LINE + "/codes";
    Buffer two = new JsonObject().put("lane", "presale").put("count", 2).put("uses", 1).toBuffer();
    MultiMap keyed = json(headers("Idempotency-Key", "make-codes-attempt-1"));
    JsonArray made = call(201, api, CONFORMS, HttpMethod.POST, codes, key, two, keyed).bodyAsJsonObject()
        .getJsonArray("codes");
    HttpResponse<Buffer> again = call(201, api, CONFORMS, HttpMethod.POST, codes, key, two, keyed);
    assertEquals("true", again.getHeader("Idempotent-Replayed"));
    assertEquals(made, again.bodyAsJsonObject().getJsonArray("codes"));
    call(400, CONFORMS, HttpMethod.POST, codes, key, new JsonObject().put("lane", "general").put("count", 1));
    call(400, VIOLATES, HttpMethod.POST, codes, key, new JsonObject().put("lane", "presale").put("count", 0));
    call(403, CONFORMS, HttpMethod.POST, codes, viewer, new JsonObject().put("lane", "presale").put("count", 1));
    String vip = call(201, CONFORMS, HttpMethod.POST, codes, key, new JsonObject().put("lane", "vip").put("count", 1))
        .bodyAsJsonObject().getJsonArray("codes").getString(0);
    call(200, CONFORMS, HttpMethod.GET, codes + "?lane=presale", key, null);
    call(403, CONFORMS, HttpMethod.GET, codes, viewer, null);
    call(404, CONFORMS, HttpMethod.GET, "/api/admin/events/oa-none/codes", key, null);
    String join = "/api/events/" + LINE + "/visitors";
    JsonObject entered = call(201, CONFORMS, HttpMethod.POST, join, null,
        new JsonObject().put("code", made.getString(0).toLowerCase(java.util.Locale.ROOT))).bodyAsJsonObject();
    assertEquals("presale", entered.getString("lane"), entered.encode());
    String second = made.getString(1);
    JsonObject dashed = call(201, CONFORMS, HttpMethod.POST, join, null, new JsonObject().put("code",
        second.substring(0, 4) + "-" + second.substring(4, 8) + " " + second.substring(8))).bodyAsJsonObject();
    assertEquals("presale", dashed.getString("lane"), "a code copied with dashes and spaces: " + dashed.encode());
    call(409, CONFORMS, HttpMethod.POST, join, null, new JsonObject().put("code", made.getString(0)));
    call(403, CONFORMS, HttpMethod.POST, join, null, new JsonObject().put("code", "NOT-A-CODE"));
    call(400, VIOLATES, HttpMethod.POST, join, null, new JsonObject().put("code", "no!"));
    call(403, CONFORMS, HttpMethod.POST, join, null, new JsonObject().put("code", vip));
    call(403, CONFORMS, HttpMethod.DELETE, codes + "/" + made.getString(1), viewer, null);
    call(204, CONFORMS, HttpMethod.DELETE, codes + "/" + made.getString(1), key, null);
    call(404, CONFORMS, HttpMethod.DELETE, codes + "/" + made.getString(1), key, null);
  }

  private void announcements(String viewer) {
    String key = TestSetup.ADMIN_KEY;
    String path = "/api/admin/events/" + MAIN + "/announcements";
    long id = call(201, CONFORMS, HttpMethod.POST, path, key, new JsonObject().put("message", "Doors at 19:30"))
        .bodyAsJsonObject().getLong("id");
    call(400, VIOLATES, HttpMethod.POST, path, key, new JsonObject().put("message", ""));
    call(403, CONFORMS, HttpMethod.POST, path, viewer, new JsonObject().put("message", "Hello"));
    assertEquals(id, call(200, CONFORMS, HttpMethod.GET, path, viewer, null).bodyAsJsonObject()
        .getJsonObject("announcement").getLong("id"));
    call(404, CONFORMS, HttpMethod.GET, "/api/admin/events/oa-none/announcements", key, null);
    call(403, CONFORMS, HttpMethod.DELETE, path + "/" + id, viewer, null);
    call(204, CONFORMS, HttpMethod.DELETE, path + "/" + id, key, null);
    call(404, CONFORMS, HttpMethod.DELETE, path + "/" + (id + 1_000_000_000L), key, null);
    assertEquals(null, call(200, CONFORMS, HttpMethod.GET, path, key, null).bodyAsJsonObject()
        .getValue("announcement"));
    call(204, CONFORMS, HttpMethod.DELETE, path, key, null);
    call(403, CONFORMS, HttpMethod.DELETE, path, viewer, null);
  }

  /** The sale's report and its sales, JSON and CSV, once the main event's sale is over. */
  private void reports(String viewer) {
    String key = TestSetup.ADMIN_KEY;
    String report = "/api/admin/events/" + MAIN + "/report";
    assertEquals(1, call(200, CONFORMS, HttpMethod.GET, report, viewer, null).bodyAsJsonObject()
        .getJsonObject("totals").getLong("purchases"));
    assertTrue(call(200, CONFORMS, HttpMethod.GET, report + "?format=csv", key, null).bodyAsString()
        .startsWith("minute,"));
    call(400, VIOLATES, HttpMethod.GET, report + "?format=xml", key, null);
    call(404, CONFORMS, HttpMethod.GET, "/api/admin/events/oa-none/report", key, null);
    String sales = "/api/admin/events/" + MAIN + "/reservations";
    assertEquals(1, call(200, CONFORMS, HttpMethod.GET, sales + "?limit=1", viewer, null).bodyAsJsonObject()
        .getJsonArray("reservations").size());
    assertTrue(call(200, CONFORMS, HttpMethod.GET, sales + "?format=csv", key, null).bodyAsString()
        .startsWith("reservation_id,"));
    call(400, VIOLATES, HttpMethod.GET, sales + "?limit=0", key, null);
  }

  private JsonObject join(String event) {
    return call(201, CONFORMS, HttpMethod.POST, "/api/events/" + event + "/visitors", null, null).bodyAsJsonObject();
  }

  private static JsonObject seatsAsked(String... seats) {
    return new JsonObject().put("seats", new JsonArray(List.of((Object[]) seats)));
  }

  private static MultiMap headers(String... namesAndValues) {
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      out.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return out;
  }

  private static MultiMap json(MultiMap headers) {
    return MultiMap.caseInsensitiveMultiMap().addAll(headers).add("Content-Type", "application/json");
  }

  private HttpResponse<Buffer> call(int status, Request expected, HttpMethod method, String uri, String bearer,
                                    JsonObject body) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (body != null) {
      headers.add("Content-Type", "application/json");
    }
    return call(status, api, expected, method, uri, bearer, body == null ? null : body.toBuffer(), headers);
  }

  /** Sends one request as given, expecting {@code status}, and checks it and its answer against the contract. */
  private HttpResponse<Buffer> call(int status, ApiClient client, Request expected, HttpMethod method, String uri,
                                    String bearer, Buffer body, MultiMap headers) {
    MultiMap sent = MultiMap.caseInsensitiveMultiMap().addAll(headers);
    if (bearer != null) {
      sent.add("Authorization", "Bearer " + bearer);
    }
    var request = client.request(method, uri).putHeaders(sent).followRedirects(false);
    HttpResponse<Buffer> answer = await(body == null ? request.send() : request.sendBuffer(body));
    assertEquals(status, answer.statusCode(), method + " " + uri + " answered " + answer.bodyAsString());
    contract.check(method, uri, sent, body, answer, expected);
    return answer;
  }

  private Router router() {
    return ((VertxInternal) cluster.node().vertx()).deploymentManager().deployments().stream()
        .flatMap(d -> d.deployment().instances().stream())
        .filter(IngressVerticle.class::isInstance)
        .map(v -> ((IngressVerticle) v).router())
        .findFirst().orElseThrow(() -> new AssertionError("no ingress verticle deployed"));
  }
}

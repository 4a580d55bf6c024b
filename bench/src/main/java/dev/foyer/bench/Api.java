package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The calls the scenarios share: one request and its answer, joins in batches, a visitor's register frame. */
final class Api {

  /** A joined visitor: its id and queue token. */
  record Joined(String visitor, String token) {
  }

  /**
   * How long the harness waits on one request for a byte of its answer before it fails the request
   * (a stall was once seen: an answer that never came held a run until its outer await gave up).
   */
  static final long IDLE_TIMEOUT_MILLIS = 30_000;

  private Api() {
  }

  /** A request that fails once its answer is {@link #IDLE_TIMEOUT_MILLIS} silent. */
  static RequestOptions request(HttpMethod method, String path) {
    return new RequestOptions().setMethod(method).setURI(path).setIdleTimeout(IDLE_TIMEOUT_MILLIS);
  }

  /**
   * {status, body}: the body as JSON, an empty object when there is none or it is not a JSON object.
   * {@code auth} is the whole Authorization header (a pass, a token or the admin key), or null.
   */
  static Future<JsonObject> call(HttpClient http, HttpMethod method, String path, String auth, JsonObject body) {
    RequestOptions options = request(method, path);
    if (auth != null) {
      options.putHeader("Authorization", auth);
    }
    return http.request(options)
        .compose(req -> body == null ? req.send() : req.putHeader("Content-Type", "application/json").send(body.toBuffer()))
        .compose(resp -> resp.body().map(b -> new JsonObject().put("status", resp.statusCode())
            .put("body", b.length() == 0 || b.getByte(0) != '{' ? new JsonObject() : new JsonObject(b))));
  }

  /** An admin call on a path of its own; fails on any answer from 300 up (see AdminCalls). */
  static Future<JsonObject> admin(HttpClient http, String adminKey, HttpMethod method, String path, JsonObject body) {
    return AdminCalls.over(http, adminKey).call(method, path, body);
  }

  /** {@code n} joins, {@code batch} at a time, in the order the node answered each batch's requests. */
  static List<Joined> joinAll(HttpClient http, String event, int n, int batch) throws Exception {
    List<Joined> all = new ArrayList<>(n);
    for (int from = 0; from < n; from += batch) {
      List<Future<Joined>> joins = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + batch); i++) {
        joins.add(http.request(request(HttpMethod.POST, "/api/events/" + event + "/visitors"))
            .compose(req -> req.send().compose(resp -> resp.body()))
            .map(b -> new JsonObject(b)).map(j -> new Joined(j.getString("visitor"), j.getString("token"))));
      }
      Future.all(joins).await(60, TimeUnit.SECONDS);
      joins.forEach(f -> all.add(f.result()));
    }
    return all;
  }

  /**
   * The passes of {@code n} visitors let straight in (an event with the gate off), 200 joins at a
   * time; fails when one was not let in.
   */
  static List<String> passes(HttpClient http, String event, int n) throws Exception {
    List<String> passes = new ArrayList<>(n);
    for (int from = 0; from < n; from += 200) {
      List<Future<JsonObject>> joins = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + 200); i++) {
        joins.add(call(http, HttpMethod.POST, "/api/events/" + event + "/visitors", null, null));
      }
      Future.all(joins).await(120, TimeUnit.SECONDS);
      for (Future<JsonObject> j : joins) {
        String pass = j.result().getJsonObject("body").getString("pass");
        if (pass == null) {
          throw new IllegalStateException("a visitor was not let straight in: " + j.result().encode());
        }
        passes.add(pass);
      }
    }
    return passes;
  }

  /** The frame a waiting page sends to listen on its own address (as foyer-client.js does). */
  static String register(String visitor, String token) {
    return new JsonObject().put("type", "register").put("address", "foyer.visitor." + visitor)
        .put("headers", new JsonObject().put("token", token)).encode();
  }
}

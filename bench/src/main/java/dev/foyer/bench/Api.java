package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The calls the line scenarios share: an admin call, joins in batches, a visitor's register frame. */
final class Api {

  /** A joined visitor: its id and queue token. */
  record Joined(String visitor, String token) {
  }

  private Api() {
  }

  /** An admin call; fails on any answer from 300 up, saying what the node answered. */
  static Future<JsonObject> admin(HttpClient http, String adminKey, HttpMethod method, String path, JsonObject body) {
    return http.request(new RequestOptions().setMethod(method).setURI(path)
            .putHeader("Authorization", "Bearer " + adminKey))
        .compose(req -> body == null ? req.send() : req.putHeader("Content-Type", "application/json").send(body.toBuffer()))
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + resp.statusCode() + ": " + b);
          }
          return b.length() == 0 ? new JsonObject() : new JsonObject(b);
        }));
  }

  /** {@code n} joins, {@code batch} at a time, in the order the node answered each batch's requests. */
  static List<Joined> joinAll(HttpClient http, String event, int n, int batch) throws Exception {
    List<Joined> all = new ArrayList<>(n);
    for (int from = 0; from < n; from += batch) {
      List<Future<Joined>> joins = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + batch); i++) {
        joins.add(http.request(HttpMethod.POST, "/api/events/" + event + "/visitors")
            .compose(req -> req.send().compose(resp -> resp.body()))
            .map(b -> new JsonObject(b)).map(j -> new Joined(j.getString("visitor"), j.getString("token"))));
      }
      Future.all(joins).await(60, TimeUnit.SECONDS);
      joins.forEach(f -> all.add(f.result()));
    }
    return all;
  }

  /** The frame a waiting page sends to listen on its own address (as foyer-client.js does). */
  static String register(String visitor, String token) {
    return new JsonObject().put("type", "register").put("address", "foyer.visitor." + visitor)
        .put("headers", new JsonObject().put("token", token)).encode();
  }
}

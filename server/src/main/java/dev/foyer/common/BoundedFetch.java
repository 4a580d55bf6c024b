package dev.foyer.common;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Every GET foyer makes to a server someone else runs (today: a booking site's JWKS). That server
 * may be broken or hostile: an endless body must not fill the heap, a body dripped a byte at a time
 * must not hold the caller (an idle timeout never fires on a drip), so each fetch reads at most
 * {@link Limits#maxBytes} and is over, answered or not, after {@link Limits#deadlineMillis}, connect,
 * headers and body together. One keep-alive pooled client per instance: create one per verticle,
 * never one per fetch.
 */
public final class BoundedFetch {

  /** What one fetch may cost: bytes of body, and milliseconds from asking to the body's last byte. */
  public record Limits(int maxBytes, long deadlineMillis) {

    public Limits {
      if (maxBytes <= 0 || deadlineMillis <= 0) {
        throw new IllegalArgumentException("a fetch needs a positive size cap and deadline");
      }
    }

    /** A JWKS is a few KiB; a site that takes more than 3 s for it is down as far as a join can tell. */
    public static Limits defaults() {
      return new Limits(256 * 1024, 3_000);
    }
  }

  /** Why a fetch gave nothing: an expected failure of the other side, so without a stack trace. */
  public static final class Failure extends RuntimeException {
    public Failure(String reason) {
      super(reason, null, false, false);
    }
  }

  private final Vertx vertx;
  private final Limits limits;
  private final HttpClient http;

  public BoundedFetch(Vertx vertx, Limits limits) {
    this.vertx = vertx;
    this.limits = limits;
    // keep-alive: a JWKS fetched every 5 minutes reuses its connection; no decompression (a small
    // gzip body must not inflate past the cap unseen), no redirects (the URL configured is the one read)
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(60)
            .setDecompressionSupported(false).setMaxRedirects(0).setConnectTimeout((int) limits.deadlineMillis()),
        new PoolOptions().setHttp1MaxSize(4).setMaxWaitQueueSize(64));
  }

  public Limits limits() {
    return limits;
  }

  /**
   * The body of a 200 answer to GET {@code url}, at most {@code maxBytes}, complete within the
   * deadline; else a failed future with a {@link Failure} saying why in a few words.
   */
  public Future<Buffer> get(String url) {
    RequestOptions options;
    try {
      options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
          .setConnectTimeout(limits.deadlineMillis()).setIdleTimeout(limits.deadlineMillis())
          .putHeader(HttpHeaders.ACCEPT, "application/json");
    } catch (RuntimeException e) {
      return Future.failedFuture(new Failure("the URL cannot be used: " + e.getMessage()));
    }
    Promise<Buffer> done = Promise.promise();
    HttpClientRequest[] request = {null};
    long timer = vertx.setTimer(limits.deadlineMillis(), id -> {
      if (done.tryFail(new Failure("no complete answer within " + limits.deadlineMillis() + " ms"))) {
        abort(request[0]);
      }
    });
    http.request(options)
        .compose(req -> {
          request[0] = req;
          if (done.future().isComplete()) {
            abort(req);
            return Future.failedFuture(new Failure("too late"));
          }
          return req.send();
        })
        .onSuccess(res -> read(res, request[0], done))
        .onFailure(err -> done.tryFail(err instanceof Failure ? err
            : new Failure("cannot be reached (" + err.getMessage() + ")")));
    return done.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  private void read(HttpClientResponse res, HttpClientRequest req, Promise<Buffer> done) {
    // first: the reset below breaks the response off, and an unhandled break is logged with a stack trace
    res.exceptionHandler(err -> done.tryFail(new Failure("broke off the answer (" + err.getMessage() + ")")));
    if (res.statusCode() != 200) {
      fail(done, req, "answered HTTP " + res.statusCode());
      return;
    }
    String length = res.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && !length.matches("\\s*[0-9]{1,10}\\s*")) {
      fail(done, req, "sent a Content-Length that is not a number");
      return;
    }
    if (length != null && Long.parseLong(length.trim()) > limits.maxBytes()) {
      fail(done, req, "announced a body of " + length.trim() + " bytes, over the cap of " + limits.maxBytes());
      return;
    }
    Buffer body = Buffer.buffer();
    res.handler(chunk -> {
      if (done.future().isComplete()) {
        return;
      }
      if (body.length() + chunk.length() > limits.maxBytes()) {
        fail(done, req, "sent a body over the cap of " + limits.maxBytes() + " bytes");
        return;
      }
      body.appendBuffer(chunk);
    });
    res.endHandler(v -> done.tryComplete(body));
  }

  private static void fail(Promise<Buffer> done, HttpClientRequest req, String reason) {
    if (done.tryFail(new Failure(reason))) {
      abort(req);
    }
  }

  /** Closes the connection: what the other side still sends is neither read nor kept. */
  private static void abort(HttpClientRequest req) {
    if (req != null) {
      req.reset();
    }
  }
}

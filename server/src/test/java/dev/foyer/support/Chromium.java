package dev.foyer.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium driven over the DevTools protocol: open a page, evaluate JavaScript in
 * it, wait for a condition. No browser download, no driver, just the websocket Chromium opens.
 */
public final class Chromium implements AutoCloseable {

  public static final String BINARY = "/usr/bin/chromium";
  private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Vertx vertx;
  private final Process process;
  private final Path profile;
  private final int port;

  private Chromium(Vertx vertx, Process process, Path profile, int port) {
    this.vertx = vertx;
    this.process = process;
    this.profile = profile;
    this.port = port;
  }

  public static boolean installed() {
    return new File(BINARY).canExecute();
  }

  /**
   * Browser tests need Debian's chromium: CI installs it and must have it; on a developer machine
   * without it the test says so and is skipped.
   */
  public static void assumeInstalled() {
    if (!installed()) {
      org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("CI") != null,
          "Debian's chromium is not installed (apt-get install chromium); skipping the browser test");
      throw new IllegalStateException("CI must have " + BINARY);
    }
  }

  public static Chromium launch(Vertx vertx) throws IOException, InterruptedException {
    return launch(vertx, "420,900");
  }

  /**
   * With a window of this size ("width,height" CSS px; headless windows are at least 500 px wide),
   * for a test that runs a page at desktop and at phone size without a device-metrics override.
   */
  public static Chromium launch(Vertx vertx, String windowSize) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("foyer-chromium");
    Process process = new ProcessBuilder(BINARY, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--remote-debugging-port=0", "--window-size=" + windowSize,
        "--user-data-dir=" + profile, "about:blank")
        .redirectErrorStream(true)
        .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream()));
    long deadline = System.currentTimeMillis() + 30_000;
    String line;
    while ((line = out.readLine()) != null && System.currentTimeMillis() < deadline) {
      Matcher m = DEVTOOLS.matcher(line);
      if (m.find()) {
        int port = URI.create(m.group(1)).getPort();
        Thread drain = new Thread(() -> {
          try {
            while (out.readLine() != null) {
              // keep the pipe empty so Chromium never blocks on its own logging
            }
          } catch (IOException ignored) {
            // the browser closed
          }
        }, "chromium-output");
        drain.setDaemon(true);
        drain.start();
        return new Chromium(vertx, process, profile, port);
      }
    }
    process.destroyForcibly();
    throw new IOException("Chromium did not open its DevTools port");
  }

  /** Opens a new tab on the URL. */
  public Future<Page> open(String url) {
    HttpClient http = vertx.createHttpClient();
    return http.request(HttpMethod.PUT, port, "127.0.0.1", "/json/new?" + url)
        .compose(req -> req.send().compose(resp -> resp.body()))
        .map(body -> new JsonObject(body).getString("webSocketDebuggerUrl"))
        .eventually(http::close)
        .compose(wsUrl -> {
          URI uri = URI.create(wsUrl);
          // a screenshot comes back as one message of base64 PNG, often past the default 64 KB frame
          WebSocketClient client = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions()
              .setMaxFrameSize(32 * 1024 * 1024).setMaxMessageSize(32 * 1024 * 1024));
          WebSocketConnectOptions target = new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort())
              .setURI(uri.getPath());
          // a tab just made sometimes drops the first DevTools handshake on a loaded machine: once more
          return client.connect(target)
              .recover(err -> vertx.timer(200).compose(t -> client.connect(target)))
              .map(ws -> new Page(client, ws));
        });
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException ignored) {
      // a temp folder left behind is harmless (a browser still writing as it exits races the walk)
    }
  }

  /** One tab. */
  public final class Page {

    /**
     * Kept for as long as the tab: Vert.x closes a client nothing refers to any more, with its
     * sockets, whenever the garbage collector finds it (the DevTools socket then closed mid-test).
     */
    private final WebSocketClient client;
    private final WebSocket ws;
    private final AtomicInteger ids = new AtomicInteger();
    // calls are made from the test's thread and from the event loop (waitFor): a concurrent map
    private final Map<Integer, Promise<JsonObject>> pending = new ConcurrentHashMap<>();
    /** Why this tab can answer no more (its renderer crashed, DevTools detached or its socket closed). */
    private volatile String gone;
    private final java.util.List<JsonObject> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.List<JsonObject> network = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Page(WebSocketClient client, WebSocket ws) {
      this.client = client;
      this.ws = ws;
      ws.textMessageHandler(text -> {
        JsonObject message = new JsonObject(text);
        String method = message.getString("method", "");
        if (method.equals("Inspector.targetCrashed") || method.equals("Inspector.detached")) {
          fail(method + " " + message.getJsonObject("params", new JsonObject()).encode());
        } else if ("Log.entryAdded".equals(method)) {
          log.add(message.getJsonObject("params").getJsonObject("entry"));
        } else if (method.startsWith("Network.")) {
          network.add(message);
        }
        Promise<JsonObject> p = message.containsKey("id") ? pending.remove(message.getInteger("id")) : null;
        if (p != null) {
          if (message.containsKey("error")) {
            p.fail(message.getJsonObject("error").encode());
          } else {
            p.complete(message.getJsonObject("result"));
          }
        }
      });
      ws.closeHandler(v -> fail("its DevTools socket closed"));
    }

    /** Every call waiting, and every later one, fails at once with the reason (instead of never being answered). */
    private void fail(String reason) {
      gone = reason;
      pending.keySet().forEach(id -> {
        Promise<JsonObject> p = pending.remove(id);
        if (p != null) {
          p.tryFail("the tab can answer no more: " + reason);
        }
      });
    }

    public Future<JsonObject> call(String method, JsonObject params) {
      if (gone != null) {
        return Future.failedFuture("the tab can answer no more: " + gone);
      }
      int id = ids.incrementAndGet();
      Promise<JsonObject> promise = Promise.promise();
      pending.put(id, promise);
      ws.writeTextMessage(new JsonObject().put("id", id).put("method", method).put("params", params).encode());
      return promise.future();
    }

    /** The value of a JavaScript expression in the page (awaiting it if it is a promise). */
    public Future<Object> eval(String expression) {
      return call("Runtime.evaluate", new JsonObject().put("expression", expression)
          .put("returnByValue", true).put("awaitPromise", true))
          .compose(r -> r.containsKey("exceptionDetails")
              ? Future.failedFuture("page error: " + r.getJsonObject("exceptionDetails").encode())
              : Future.succeededFuture(r.getJsonObject("result").getValue("value")));
    }

    /** Polls the expression until it is truthy; fails with the last value after the timeout. */
    public Future<Object> waitFor(String expression, long timeoutMillis) {
      long deadline = System.currentTimeMillis() + timeoutMillis;
      return eval(expression).recover(err -> Future.succeededFuture(null)).compose(value -> {
        boolean truthy = value != null && !Boolean.FALSE.equals(value) && !"".equals(value);
        if (truthy) {
          return Future.succeededFuture(value);
        }
        if (System.currentTimeMillis() > deadline) {
          return Future.failedFuture("page never satisfied: " + expression + " (last value " + value + ")");
        }
        Promise<Void> pause = Promise.promise();
        vertx.setTimer(150, id -> pause.complete());
        return pause.future().compose(v -> waitFor(expression, deadline - System.currentTimeMillis()));
      });
    }

    /**
     * Starts collecting the browser's console log (Chromium hands over what it logged before too):
     * violations of the Content-Security-Policy show up there.
     */
    public Future<Void> collectLog() {
      return call("Log.enable", new JsonObject()).mapEmpty();
    }

    /**
     * The DevTools protocol's network events of this tab so far (after {@code Network.enable}), such
     * as {@code Network.requestWillBeSent} or {@code Network.webSocketCreated}: their params.
     */
    public java.util.List<JsonObject> networkEvents(String method) {
      return network.stream().filter(m -> method.equals(m.getString("method")))
          .map(m -> m.getJsonObject("params")).toList();
    }

    /** Log entries so far that report a Content-Security-Policy violation. */
    public java.util.List<String> policyViolations() {
      return log.stream().map(e -> e.getString("text", "")).filter(t -> t.contains("Content Security Policy"))
          .toList();
    }

    /** Closes the tab, so the next one opened is the one in front (the tab goes without answering). */
    public Future<Void> close() {
      ws.writeTextMessage(new JsonObject().put("id", ids.incrementAndGet()).put("method", "Page.close")
          .put("params", new JsonObject()).encode());
      return ws.close().eventually(client::close);
    }

    /** Renders the page as a phone (390 x 844 CSS px, touch) or, with false, a desktop would. */
    public Future<Void> viewport(boolean phone) {
      JsonObject metrics = phone
          ? new JsonObject().put("width", 390).put("height", 844).put("deviceScaleFactor", 1).put("mobile", true)
          : new JsonObject().put("width", 1280).put("height", 800).put("deviceScaleFactor", 1).put("mobile", false);
      return call("Emulation.setDeviceMetricsOverride", metrics).mapEmpty();
    }

    public Future<Object> screenshot(Path file) {
      return call("Page.captureScreenshot", new JsonObject().put("format", "png")).map(r -> {
        try {
          Files.write(file, java.util.Base64.getDecoder().decode(r.getString("data")));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return file;
      });
    }
  }
}

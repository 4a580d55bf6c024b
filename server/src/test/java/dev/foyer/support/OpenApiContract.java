package dev.foyer.support;

import dev.foyer.ingress.OpenApiDocument;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Response;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ResponseValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * docs/openapi.yaml (as the jar carries it, read by the server's own {@link OpenApiDocument}) held
 * against real exchanges with vertx-openapi: the operation a request names, its parameters and JSON
 * body, the answer's status, headers and body. Loading it also checks the document against the
 * OpenAPI 3.1 schema. vertx-openapi reads JSON bodies only, so it gets a copy without the other media
 * types (pages, Prometheus text); for those the answer's Content-Type must be one the operation lists.
 */
public final class OpenApiContract {

  /** What the request is meant to be: one the contract takes, or one it refuses as the server does. */
  public enum Request { CONFORMS, VIOLATES }

  private final JsonObject document;
  private final OpenAPIContract contract;
  private final RequestValidator requests;
  private final ResponseValidatorImpl responses;
  private final Set<String> answered = new TreeSet<>();

  private OpenApiContract(Vertx vertx, JsonObject document) throws Exception {
    this.document = document;
    this.contract = OpenAPIContract.from(vertx, jsonOnly(document)).await(30, TimeUnit.SECONDS);
    this.requests = RequestValidator.create(vertx, contract);
    this.responses = new ResponseValidatorImpl(vertx, contract);
  }

  public static OpenApiContract load(Vertx vertx) {
    try {
      return new OpenApiContract(vertx, OpenApiDocument.read());
    } catch (Exception e) {
      throw new AssertionError("docs/openapi.yaml is no valid OpenAPI 3.1 document for vertx-openapi: " + e.getMessage(), e);
    }
  }

  /** The document as written (every media type). */
  public JsonObject document() {
    return document;
  }

  /** Every operation of the document, as {@code METHOD /path/{param}}. */
  public Set<String> operations() {
    Set<String> out = new TreeSet<>();
    contract.operations().forEach(op -> out.add(op.getHttpMethod().name() + " " + op.getOpenAPIPath()));
    return out;
  }

  /**
   * The operations a router takes: {@code METHOD /path/{param}}, or {@code ANY /path} for a route that
   * takes every method. Regex routes and prefix mounts (checks, static files, the bridge) are no operations.
   */
  public static Set<String> routes(Router router) {
    Set<String> out = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      if (route.getPath() == null || !route.isExactPath()) {
        continue;
      }
      String template = route.getPath().replaceAll(":([A-Za-z]+)", "{$1}");
      if (route.methods() == null || route.methods().isEmpty()) {
        out.add("ANY " + template);
      } else {
        route.methods().forEach(m -> out.add(m.name() + " " + template));
      }
    }
    return out;
  }

  /** Of {@link #routes}, those the document has no operation for (an {@code ANY} route needs one of any method). */
  public List<String> undescribed(Set<String> routes) {
    Set<String> operations = operations();
    return routes.stream().filter(r -> r.startsWith("ANY ")
        ? operations.stream().noneMatch(op -> path(op).equals(path(r))) : !operations.contains(r)).toList();
  }

  /** The document's operations that none of {@link #routes} takes. */
  public List<String> unrouted(Set<String> routes) {
    return operations().stream().filter(op -> !routes.contains(op) && !routes.contains("ANY " + path(op))).toList();
  }

  private static String path(String operation) {
    return operation.substring(operation.indexOf(' ') + 1);
  }

  /** {@code operationId status} of every exchange checked so far. */
  public Set<String> answered() {
    return answered;
  }

  /**
   * Checks one exchange and returns the operation's id. A request that {@link Request#VIOLATES} the
   * contract must be refused by it (the server refuses it too: the answer is still checked).
   */
  public String check(HttpMethod method, String uri, MultiMap requestHeaders, Buffer requestBody,
                      HttpResponse<Buffer> answer, Request expected) {
    URI parsed = URI.create(uri);
    String path = parsed.getRawPath();
    Operation op = contract.findOperation(path, method);
    String exchange = method + " " + uri + " -> " + answer.statusCode() + " " + answer.bodyAsString();
    if (op == null) {
      throw new AssertionError("docs/openapi.yaml has no operation for " + method + " " + path + " (" + exchange + ")");
    }
    checkRequest(op, path, parsed.getRawQuery(), requestHeaders, requestBody, expected, exchange);
    checkAnswer(op, answer, exchange);
    answered.add(op.getOperationId() + " " + answer.statusCode());
    return op.getOperationId();
  }

  private void checkRequest(Operation op, String path, String query, MultiMap headers, Buffer body, Request expected,
                            String exchange) {
    Map<String, String> pathValues = pathValues(op.getOpenAPIPath(), path);
    Map<String, String> queryValues = queryValues(query);
    Map<String, RequestParameter> inHeaders = new HashMap<>();
    Map<String, RequestParameter> inPath = new HashMap<>();
    Map<String, RequestParameter> inQuery = new HashMap<>();
    Map<String, RequestParameter> inCookies = new HashMap<>();
    Map<String, String> cookieValues = cookieValues(headers.get("Cookie"));
    for (Parameter p : op.getParameters()) {
      switch (p.getIn()) {
        case HEADER -> put(inHeaders, p, headers.get(p.getName()));
        case PATH -> put(inPath, p, pathValues.get(p.getName()));
        case QUERY -> put(inQuery, p, queryValues.get(p.getName()));
        case COOKIE -> put(inCookies, p, cookieValues.get(p.getName()));
        default -> throw new AssertionError("no " + p.getIn() + " parameters are expected: " + p.getName());
      }
    }
    var request = new ValidatableRequestImpl(inCookies, inHeaders, inPath, inQuery,
        body == null || body.length() == 0 ? null : new RequestParameterImpl(body), headers.get("Content-Type"));
    Throwable refusal = Waits.await(requests.validate(request, op.getOperationId()).map((Throwable) null)
        .otherwise(err -> err));
    if (expected == Request.CONFORMS && refusal != null) {
      throw new AssertionError("docs/openapi.yaml refuses the request of " + exchange + ": " + refusal.getMessage()
          + (refusal instanceof Exception e ? details(e) : ""));
    }
    if (expected == Request.VIOLATES && refusal == null) {
      throw new AssertionError("docs/openapi.yaml takes the malformed request of " + exchange);
    }
  }

  /**
   * vertx-openapi reads a parameter's text as JSON first and quotes it when that fails, so a text
   * parameter that is a number, or holds a quote ({@code W/"..."}), would not come through as the
   * text it is: it gets it as a JSON string.
   */
  private static void put(Map<String, RequestParameter> into, Parameter p, String value) {
    if (value != null) {
      boolean text = p.getSchemaType() == SchemaType.STRING && !value.matches("\\w+");
      into.put(p.getName(), new RequestParameterImpl(text ? Json.encode(value) : value));
    }
  }

  private void checkAnswer(Operation op, HttpResponse<Buffer> answer, String exchange) {
    JsonObject declared = resolve(document.getJsonObject("paths").getJsonObject(op.getOpenAPIPath())
        .getJsonObject(op.getHttpMethod().name().toLowerCase(Locale.ROOT)).getJsonObject("responses")
        .getJsonObject(String.valueOf(answer.statusCode())));
    if (declared == null) {
      throw new AssertionError("docs/openapi.yaml lists no " + answer.statusCode() + " for " + op.getOperationId()
          + " (" + exchange + ")");
    }
    Set<String> media = declared.getJsonObject("content", new JsonObject()).fieldNames();
    Buffer body = answer.body();
    boolean hasBody = body != null && body.length() > 0;
    String type = answer.getHeader("Content-Type");
    String mediaType = type == null ? null : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (hasBody != !media.isEmpty() || hasBody && !media.contains(mediaType)) {
      throw new AssertionError("docs/openapi.yaml declares " + (media.isEmpty() ? "no body" : media) + " for "
          + op.getOperationId() + " " + answer.statusCode() + ", the answer is " + (hasBody ? type : "empty") + " ("
          + exchange + ")");
    }
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    answer.headers().forEach(h -> headers.putIfAbsent(h.getKey(), h.getValue()));
    try {
      Response response = Waits.await(responses.getResponse(ValidatableResponse.create(answer.statusCode()),
          op.getOperationId()));
      for (Parameter header : response.getHeaders()) {
        checkHeader(header, headers.get(header.getName()));
      }
      if ("application/json".equals(mediaType)) {
        responses.validateBody(response, ValidatableResponse.create(answer.statusCode(), headers, body,
            "application/json"));
      }
    } catch (Exception e) {
      throw new AssertionError("docs/openapi.yaml refuses the answer of " + exchange + ": " + e.getMessage()
          + details(e), e);
    }
  }

  /** A header the answer declares: there when required, and its value (a number, a flag or text) as its schema says. */
  private void checkHeader(Parameter header, String value) {
    if (value == null) {
      if (header.isRequired()) {
        throw new IllegalStateException("the required header " + header.getName() + " is missing");
      }
      return;
    }
    Object typed = switch (header.getSchemaType()) {
      case INTEGER, NUMBER -> Json.decodeValue(value);
      case BOOLEAN -> Boolean.valueOf(value);
      default -> value;
    };
    OutputUnit result = contract.getSchemaRepository().validator(header.getSchema()).validate(typed);
    if (!result.getValid()) {
      throw new IllegalStateException("header " + header.getName() + ": " + value + " " + result.toJson().encode());
    }
  }

  /** A response object, or the one its local {@code $ref} names. */
  private JsonObject resolve(JsonObject object) {
    if (object == null || !object.containsKey("$ref")) {
      return object;
    }
    Object target = document;
    for (String step : object.getString("$ref").substring(2).split("/")) {
      target = ((JsonObject) target).getValue(step.replace("~1", "/").replace("~0", "~"));
    }
    return (JsonObject) target;
  }

  private static String details(Exception e) {
    return e instanceof io.vertx.openapi.validation.SchemaValidationException s && s.getOutputUnit() != null
        ? " " + s.getOutputUnit().toJson().encode() : "";
  }

  /** The path's values for the template's {@code {name}} segments, decoded. */
  private static Map<String, String> pathValues(String template, String path) {
    Map<String, String> out = new HashMap<>();
    String[] names = template.split("/");
    String[] values = path.split("/");
    for (int i = 0; i < names.length && i < values.length; i++) {
      if (names[i].startsWith("{") && names[i].endsWith("}")) {
        out.put(names[i].substring(1, names[i].length() - 1), URLDecoder.decode(values[i], StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static Map<String, String> cookieValues(String header) {
    Map<String, String> out = new HashMap<>();
    if (header != null) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          out.putIfAbsent(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
      }
    }
    return out;
  }

  private static Map<String, String> queryValues(String query) {
    Map<String, String> out = new HashMap<>();
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        out.putIfAbsent(name, value);
      }
    }
    return out;
  }

  /** A copy for vertx-openapi, which reads JSON bodies only: other media types dropped from the answers. */
  private static JsonObject jsonOnly(JsonObject document) {
    JsonObject copy = document.copy();
    copy.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).forEach(op -> {
      if (op.getValue() instanceof JsonObject operation && operation.containsKey("responses")) {
        operation.getJsonObject("responses").forEach(r -> {
          JsonObject content = ((JsonObject) r.getValue()).getJsonObject("content");
          if (content != null) {
            content.fieldNames().removeIf(media -> !media.equals("application/json"));
          }
        });
      }
    }));
    return copy;
  }
}

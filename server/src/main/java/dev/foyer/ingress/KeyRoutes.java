package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.office.Operator;
import dev.foyer.office.OperatorKeys;
import dev.foyer.office.Role;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Operator keys, managed by admins: made (the key shown once), listed (never a key), revoked (at
 * once on this node, promptly on every other: see {@link dev.foyer.office.KeyCache}); and who a key
 * is, for anyone holding one.
 */
record KeyRoutes(RouteChecks checks, OperatorKeys keys) {

  private static final Pattern KEY_ID = Pattern.compile("[a-z2-7]{8}");
  private static final Logger LOG = LoggerFactory.getLogger(KeyRoutes.class);

  void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(VisitorRoutes.BODY_LIMIT);
    AdminGuard admin = checks.admin();
    router.get("/api/admin/me").handler(admin.requires(Role.VIEWER)).handler(this::me);
    router.get("/api/admin/keys").handler(admin.requires(Role.ADMIN)).handler(this::list);
    router.post("/api/admin/keys").handler(admin.requires(Role.ADMIN));
    router.post("/api/admin/keys").handler(body).handler(this::create);
    router.delete("/api/admin/keys/:id").handler(admin.requires(Role.ADMIN)).handler(this::revoke);
  }

  private void me(RoutingContext ctx) {
    Operator who = Audit.operator(ctx);
    Replies.json(ctx, 200, new JsonObject().put("id", who.keyId()).put("name", who.name())
        .put("role", who.role().wire()));
  }

  private void list(RoutingContext ctx) {
    keys.list().onSuccess(list -> Replies.json(ctx, 200, new JsonObject().put("keys", list))).onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = Replies.requiredJsonBody(ctx);
    Replies.rejectUnknownFields(body, Set.of("name", "role"));
    String name = OperatorKeys.name(body.getValue("name"));
    Role role = Role.parse(body.getValue("role"));
    keys.create(name, role, Audit.operator(ctx))
        .compose(key -> checks.audit().record(ctx, "key.create", null, new JsonObject().put("id", key.getString("id"))
            .put("name", name).put("role", role.wire())).map(key))
        .onSuccess(key -> {
          LOG.info("Operator key {} ({}, role {}) created by {}", key.getString("id"), name, role.wire(),
              Audit.who(ctx));
          Replies.json(ctx, 201, key);
        })
        .onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!KEY_ID.matcher(id).matches()) {
      throw ApiError.notFound("unknown_key", "there is no operator key '" + id + "'");
    }
    keys.revoke(id, Audit.operator(ctx))
        .compose(revoked -> {
          if (revoked == null) {
            throw ApiError.notFound("unknown_key", "there is no operator key '" + id + "'");
          }
          if (!revoked.now()) {
            return io.vertx.core.Future.succeededFuture(revoked);
          }
          LOG.info("Operator key {} ({}) revoked by {}", id, revoked.key().getString("name"), Audit.who(ctx));
          return checks.audit().record(ctx, "key.revoke", null, new JsonObject().put("id", id)
              .put("name", revoked.key().getString("name"))).map(revoked);
        })
        .onSuccess(revoked -> Replies.json(ctx, 200, revoked.key()))
        .onFailure(ctx::fail);
  }
}

package dev.foyer.ingress;

import dev.foyer.FoyerConfig;
import dev.foyer.bridge.Bridge;
import dev.foyer.bus.EventChanges;
import dev.foyer.bus.HoldService;
import dev.foyer.common.Backends;
import dev.foyer.common.ClientAddress;
import dev.foyer.common.Limiter;
import dev.foyer.event.EventCatalog;
import dev.foyer.event.UnknownEvents;
import dev.foyer.event.EventRepository;
import dev.foyer.event.SalesRepository;
import dev.foyer.line.AnnouncementStore;
import dev.foyer.line.GateKeeper;
import dev.foyer.line.LaneStore;
import dev.foyer.line.QueueStore;
import dev.foyer.line.ReportStore;
import dev.foyer.line.StockBoard;
import dev.foyer.line.StockStore;
import dev.foyer.line.SiteStore;
import dev.foyer.line.VisitStore;
import dev.foyer.office.AuditLog;
import dev.foyer.office.OperatorKeys;
import dev.foyer.pass.PassKeys;
import dev.foyer.pass.Passes;
import dev.foyer.pass.QueueTokens;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;

/**
 * HTTP: the route table. Routes are grouped by who calls them (visitors, admitted visitors with a
 * pass, the operator, browsers and tools fetching pages and figures), each route stating its checks
 * ({@link RouteChecks}) as handlers before its own, and the SockJS bridge mounted at {@code /eventbus}.
 */
public class IngressVerticle extends VerticleBase {

  private final FoyerConfig config;
  private final Passes passes;
  private Backends backends;
  private TrafficCounter traffic;
  private Router router;
  private RefusalCounter refusals;

  public IngressVerticle(FoyerConfig config, Passes passes) {
    this.config = config;
    this.passes = passes;
  }

  @Override
  public Future<?> start() {
    backends = Backends.open(vertx, config.redis(), config.pg(), "ingress", 8);
    Redis redis = backends.redis();
    Pool pg = backends.pg();
    QueueStore line = new QueueStore(redis, config.keyPrefix());
    EventRepository events = new EventRepository(pg);
    EventCatalog catalog = new EventCatalog(events, UnknownEvents.of(vertx));
    QueueTokens tokens = new QueueTokens(config.access().secret(), config.access().tokenTtlSeconds());
    PassKeys keys = new PassKeys(vertx, config);
    traffic = new TrafficCounter(vertx, line);
    CorsPolicy cors = new CorsPolicy(catalog, events);
    cors.refresh();
    vertx.setPeriodic(10_000, id -> cors.refresh());
    EventChanges.follow(vertx, id -> {
      catalog.invalidate(id);
      return cors.refresh();
    });

    ClientAddress clients = new ClientAddress(config.clients().trustedProxies(), config.clients().unlimitedClients());
    RequestClient client = new RequestClient(clients);
    Limiter limiter = new Limiter(redis, config.keyPrefix());
    ProofOfWork pow = new ProofOfWork(config.access().secret(), redis, config.keyPrefix());
    PowDifficulty difficulty = new PowDifficulty(line);
    OperatorKeys operatorKeys = new OperatorKeys(vertx, pg);
    OperatorKeys.follow(vertx);
    AuditLog auditLog = new AuditLog(pg);
    RouteChecks checks = new RouteChecks(new EventLookup(catalog, events), new TokenChecks(tokens, passes),
        new AdminGuard(config.access().adminKey(), operatorKeys, client, redis, config.keyPrefix()),
        new LimitChecks(client, limiter), new JoinChecks(pow, difficulty, new Identities(vertx)), traffic,
        new Audit(auditLog, client));
    SiteRoutes site = new SiteRoutes(new HealthChecks(vertx, redis, pg), passes, checks);
    router = Router.router(vertx);
    router.route().handler(SecurityHeaders::apply);
    site.mountInfrastructure(router);
    router.routeWithRegex("/api/events/(?<event>[^/]+)(?:/.*)?").handler(cors::api);
    ReportStore report = new ReportStore(redis, config.keyPrefix());
    refusals = new RefusalCounter(vertx, report);
    refusals.serveOn(context);
    StockStore stock = new StockStore(redis, config.keyPrefix());
    new VisitorRoutes(checks, line, events, tokens, passes, vertx.eventBus(), pow, difficulty, stock,
        StockBoard.of(vertx)).mount(router);
    new SiteVisitRoutes(checks, new VisitStore(redis, config.keyPrefix()), passes, vertx.eventBus()).mount(router);
    new HoldRoutes(checks, HoldService.client(vertx)).mount(router);
    new GateRoutes(checks, new SiteStore(redis, config.keyPrefix()), passes).mount(router);
    // after the visitors' routes: every request walks the table in order, and joins come by the thousand
    new AdminRoutes(checks, events, catalog, line, new GateKeeper(redis, config.keyPrefix()), keys, pg, vertx, stock,
        new ReportRoutes(report, new SalesRepository(pg))).mount(router);
    new CodeRoutes(checks, new LaneStore(redis, config.keyPrefix())).mount(router);
    new KeyRoutes(checks, operatorKeys).mount(router);
    new AuditRoutes(checks, auditLog).mount(router);
    AnnouncementStore announcements = new AnnouncementStore(redis, config.keyPrefix());
    new AnnouncementRoutes(checks, announcements, vertx).mount(router);
    router.route("/eventbus/*").handler(cors::bridge);
    router.route("/eventbus/*").subRouter(new Bridge(vertx, tokens, line, catalog, passes, clients, limiter,
        config.clients(), stock, announcements).router());
    site.mountPages(router);
    router.route().failureHandler(Replies::failure);
    UnknownPaths unknown = new UnknownPaths(router);
    router.errorHandler(404, unknown::answer);
    router.errorHandler(405, unknown::answer);

    // gzip for answers worth it (the seat map, pages); no websocket compression: a frame of a few
    // hundred bytes every few seconds is cheaper to send than to deflate, and the handler that
    // would negotiate it sits in every connection's path, answers and joins included
    HttpServerOptions options = new HttpServerOptions().setCompressionSupported(true)
        .setCompressionContentSizeThreshold(1024)
        .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false);
    return vertx.createHttpServer(options).requestHandler(router).listen(config.http().port());
  }

  /** The route table, once started: what OpenApiContractTest holds docs/openapi.yaml against. */
  Router router() {
    return router;
  }

  @Override
  public Future<?> stop() {
    return Future.join(traffic.flush(), refusals.flush()).eventually(backends::close);
  }
}

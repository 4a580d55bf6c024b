package dev.foyer.ingress;

/**
 * The checks the route table is built from, made once per verticle: each a handler in the route
 * chain that passes the request on with what it established ({@link ContextKeys}) or fails it with the
 * contract's error; and the audit log an admin route records its change in.
 */
record RouteChecks(EventLookup event, TokenChecks tokens, AdminGuard admin, LimitChecks limits, JoinChecks joins,
                   TrafficCounter traffic, Audit audit) {
}

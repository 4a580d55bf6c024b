package dev.foyer.common;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;

/** This node's id in the cluster, as the messages that say who did what name it. */
public final class ClusterNodes {

  private ClusterNodes() {
  }

  public static String id(Vertx vertx) {
    var manager = ((VertxInternal) vertx).clusterManager();
    return manager == null ? "local" : manager.getNodeId();
  }
}

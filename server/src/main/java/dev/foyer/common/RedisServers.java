package dev.foyer.common;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The Redis servers {@code FOYER_REDIS_URL} names, in one of three forms:
 * <ul>
 *   <li>{@code redis://[user:password@]host:port}: a single Redis;</li>
 *   <li>{@code redis://host1:port,redis://host2:port,...}: seeds of a Redis Cluster (any few of its nodes);</li>
 *   <li>{@code redis-sentinel://[user:password@]host1[:port],host2[:port],.../masterName}: the Sentinels
 *       watching the master set {@code masterName} (port 26379 unless given); the password, if any, is
 *       used for the Sentinels and the master alike.</li>
 * </ul>
 * The configuration splits the variable at commas; this puts the pieces back together.
 */
public record RedisServers(Kind kind, List<String> endpoints, String masterName) {

  public enum Kind { SINGLE, CLUSTER, SENTINEL }

  static final String SENTINEL_SCHEME = "redis-sentinel://";
  static final int SENTINEL_PORT = 26379;
  private static final Pattern MASTER_NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+)(:\\d{1,5})?");

  public RedisServers {
    endpoints = List.copyOf(endpoints);
  }

  public static RedisServers parse(List<String> urls) {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("FOYER_REDIS_URL names no Redis server");
    }
    if (urls.get(0).toLowerCase(java.util.Locale.ROOT).startsWith(SENTINEL_SCHEME)) {
      return sentinel(String.join(",", urls));
    }
    for (String url : urls) {
      String scheme = url.toLowerCase(java.util.Locale.ROOT);
      if (!scheme.startsWith("redis://") && !scheme.startsWith("rediss://")) {
        throw new IllegalArgumentException("FOYER_REDIS_URL: '" + url + "' is not a redis:// address; write "
            + "redis://host:port for one Redis, redis://a:6379,redis://b:6379 for Redis Cluster, or "
            + "redis-sentinel://host1:26379,host2:26379/masterName for Sentinel");
      }
    }
    return new RedisServers(urls.size() == 1 ? Kind.SINGLE : Kind.CLUSTER, urls, null);
  }

  private static RedisServers sentinel(String url) {
    String rest = url.substring(SENTINEL_SCHEME.length());
    int slash = rest.lastIndexOf('/');
    String masterName = slash < 0 ? "" : rest.substring(slash + 1);
    if (!MASTER_NAME.matcher(masterName).matches()) {
      throw new IllegalArgumentException("FOYER_REDIS_URL: " + SENTINEL_SCHEME + " needs the master set's name "
          + "after the Sentinels, as in redis-sentinel://host1:26379,host2:26379/mymaster");
    }
    String hosts = rest.substring(0, slash);
    String userInfo = "";
    int at = hosts.lastIndexOf('@');
    if (at >= 0) {
      userInfo = hosts.substring(0, at + 1);
      hosts = hosts.substring(at + 1);
    }
    List<String> endpoints = new ArrayList<>();
    for (String host : hosts.split(",")) {
      String h = host.trim();
      if (!HOST_PORT.matcher(h).matches()) {
        throw new IllegalArgumentException("FOYER_REDIS_URL: '" + h + "' is not a Sentinel's host or host:port");
      }
      boolean hasPort = h.startsWith("[") ? h.contains("]:") : h.contains(":");
      endpoints.add("redis://" + userInfo + h + (hasPort ? "" : ":" + SENTINEL_PORT));
    }
    return new RedisServers(Kind.SENTINEL, endpoints, masterName);
  }
}

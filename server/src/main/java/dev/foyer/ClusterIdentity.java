package dev.foyer;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Which nodes this node may form a cluster with: only those that serve the same state. Nodes of
 * one cluster share event locks and the event bus, so a node serving another Redis, database, key
 * prefix or schema in the same cluster takes events' ticks away from their own nodes and answers
 * with numbers that are not theirs.
 *
 * <p>Two guards. The cluster name, unless an operator sets one, is derived from the state, so nodes
 * of unrelated deployments carry different names and Hazelcast refuses their join requests before
 * they are members at all. Whatever the name, every node states its identity as member attributes
 * (hashes only: a hash of the state, and an HMAC keyed by the secret, so two deployments differing
 * only in FOYER_SECRET also tell apart); a node that finds an older member with another identity
 * leaves before deploying anything, and the older members log that it was refused. Dev mode joins
 * nothing: its embedded servers belong to its process alone.
 */
public final class ClusterIdentity {

  static final String STATE_ATTRIBUTE = "foyer.state";
  static final String SECRET_ATTRIBUTE = "foyer.secret";
  /** What Hazelcast names a cluster nobody named; an XML leaving it is not choosing a name. */
  static final String UNNAMED = new Config().getClusterName();

  private final String state;
  private final String secret;
  private final String described;

  private ClusterIdentity(String state, String secret, String described) {
    this.state = state;
    this.secret = secret;
    this.described = described;
  }

  /** The identity of the state this configuration serves (its servers already resolved). */
  public static ClusterIdentity of(FoyerConfig config) {
    List<String> redis = config.redis().urls().stream().map(u -> withoutCredentials(u, 6379)).sorted().toList();
    String pg = withoutCredentials(config.pg().url(), 5432);
    String described = "Redis " + String.join(",", redis) + ", PostgreSQL " + pg + ", key prefix "
        + config.keyPrefix() + ", schema " + config.pg().schema();
    String canonical = String.join("\n", "foyer-state-v1", String.join(",", redis), pg, config.keyPrefix(),
        config.pg().schema());
    return new ClusterIdentity(sha256(canonical).substring(0, 16), secretFingerprint(config.access().secret()), described);
  }

  /** The cluster name this node uses, and why, for the log. */
  public record Choice(String name, String reason, boolean alone) {
  }

  /**
   * FOYER_CLUSTER_NAME first (an operator's explicit choice), then a name the XML sets, else one
   * derived from the state. Dev mode: a name of its own and no joining, whatever is configured.
   */
  public Choice choose(FoyerConfig.Cluster cluster, Config hazelcast, String xmlSource, boolean devMode) {
    if (devMode) {
      byte[] random = new byte[4];
      new SecureRandom().nextBytes(random);
      return new Choice("foyer-dev-" + HexFormat.of().formatHex(random),
          "dev mode: its embedded Redis and PostgreSQL are this process's alone, so it joins no other node"
              + (cluster.name() != null || !cluster.members().isEmpty() ? " (FOYER_CLUSTER_* ignored)" : ""),
          true);
    }
    if (cluster.name() != null) {
      return new Choice(cluster.name(), "set by FOYER_CLUSTER_NAME", false);
    }
    if (xmlSource != null && !UNNAMED.equals(hazelcast.getClusterName())) {
      return new Choice(hazelcast.getClusterName(), "set in " + xmlSource, false);
    }
    return new Choice("foyer-" + state.substring(0, 12), "derived from the state it serves (" + described + ")",
        false);
  }

  /** Names the cluster, states this node's identity, and in dev mode turns every way of joining off. */
  public Config apply(Config hazelcast, Choice choice) {
    hazelcast.setClusterName(choice.name());
    hazelcast.getMemberAttributeConfig().setAttribute(STATE_ATTRIBUTE, state).setAttribute(SECRET_ATTRIBUTE, secret);
    if (choice.alone()) {
      JoinConfig none = new JoinConfig();
      none.getMulticastConfig().setEnabled(false);
      none.getTcpIpConfig().setEnabled(false);
      none.getAutoDetectionConfig().setEnabled(false);
      hazelcast.getNetworkConfig().setJoin(none);
    }
    return hazelcast;
  }

  /**
   * Why another member does not serve this node's state, or null when it does (or is no foyer
   * node, such as an operator's tool, which states nothing).
   */
  public String difference(Member member) {
    String theirState = member.getAttribute(STATE_ATTRIBUTE);
    if (theirState == null) {
      return null;
    }
    if (!state.equals(theirState)) {
      return "it serves other state (another Redis, PostgreSQL, key prefix or schema: state " + theirState
          + " there, " + state + " here)";
    }
    if (!secret.equals(member.getAttribute(SECRET_ATTRIBUTE))) {
      return "it has another FOYER_SECRET (its queue tokens would not open here)";
    }
    return null;
  }

  /**
   * Null when this node may stay in the cluster it joined; else why not. Only members older than
   * this node count, so of two nodes that meet, the newcomer leaves and the cluster it met goes on.
   */
  public String refusal(Cluster cluster) {
    Member local = cluster.getLocalMember();
    for (Member member : cluster.getMembers()) {
      if (member.getUuid().equals(local.getUuid())) {
        return null;
      }
      String why = difference(member);
      if (why != null) {
        return "node " + member.getAddress() + ", already in the cluster, " + why;
      }
    }
    return null;
  }

  /** A URL as it names a server: no user password, lower-case scheme and host, the default port filled in. */
  static String withoutCredentials(String url, int defaultPort) {
    if (url == null) {
      return "";
    }
    try {
      URI uri = URI.create(url.trim());
      if (uri.getHost() == null) {
        return stripUserInfo(url);
      }
      String user = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo().split(":", 2)[0];
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      if (scheme.equals("postgres")) {
        scheme = "postgresql"; // both spellings name the same server
      }
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      return scheme + "://" + (user.isEmpty() ? "" : user + "@") + uri.getHost().toLowerCase(Locale.ROOT) + ":"
          + (uri.getPort() > 0 ? uri.getPort() : defaultPort) + path;
    } catch (IllegalArgumentException e) {
      return stripUserInfo(url);
    }
  }

  private static String stripUserInfo(String url) {
    return url.replaceAll("//[^/@]*@", "//").replaceAll("[?].*", "");
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Tells secrets apart without revealing them: an HMAC keyed by the secret over a fixed text. */
  private static String secretFingerprint(String secret) {
    if (secret == null) {
      return "none";
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal("foyer cluster member v1".getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}

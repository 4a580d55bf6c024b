package dev.foyer.office;

/**
 * Who made an admin call: the key's short id and name, and its role. The bootstrap admin
 * ({@code FOYER_ADMIN_KEY}) is id and name {@code bootstrap}.
 */
public record Operator(String keyId, String name, Role role) {

  public static final String BOOTSTRAP_ID = "bootstrap";
  public static final Operator BOOTSTRAP = new Operator(BOOTSTRAP_ID, BOOTSTRAP_ID, Role.ADMIN);

  /** As log lines and the audit log's {@code created_by} name it. */
  public String label() {
    return keyId.equals(BOOTSTRAP_ID) ? BOOTSTRAP_ID : name + " (" + keyId + ")";
  }
}

package dev.foyer.office;

/** An operator key as PostgreSQL keeps it: the SHA-256 of the key, never the key. */
record StoredKey(String id, String name, Role role, byte[] hash) {

  Operator operator() {
    return new Operator(id, name, role);
  }
}

package dev.foyer.common;

/**
 * Which PostgreSQL a node uses.
 *
 * @param url    {@code postgresql://user:password@host:port/db}; null: dev mode starts an embedded one
 * @param schema the schema holding foyer's tables
 */
public record PgSettings(String url, String schema) {
}

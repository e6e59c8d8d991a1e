package io.dbgateway.idempotency;

import io.dbgateway.sql.PlaceholderRewriter;
import io.dbgateway.sql.SqlSyntax;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;

/**
 * The gateway's table of idempotency keys. A key is claimed inside the unit's own transaction before
 * the work runs, and its result is written in that same transaction, so the two commit or vanish
 * together. A concurrent request with the same key waits on the key's row lock and then sees the
 * committed result.
 */
public final class IdempotencyStore {

  /** What a key recorded: the request's fingerprint and, once committed, its result. */
  public record Recorded(String operation, String requestHash, JsonObject response) {}

  private final String claimSql;
  private final String completeSql;
  private final String findSql;
  private final String sweepSql;

  /** @param syncWaitPrefix makes the lookup see every acknowledged write (Galera), or is empty */
  public IdempotencyStore(SqlSyntax syntax, String syncWaitPrefix) {
    claimSql = inDriverStyle(syntax, "INSERT INTO dbgateway_idempotency (scope, idem_key, operation, request_hash, created_at)"
        + " VALUES (?, ?, ?, ?, ?)");
    completeSql = inDriverStyle(syntax, "UPDATE dbgateway_idempotency SET response = ? WHERE scope = ? AND idem_key = ?");
    findSql = syncWaitPrefix + inDriverStyle(syntax, "SELECT operation, request_hash, response FROM dbgateway_idempotency"
        + " WHERE scope = ? AND idem_key = ?");
    sweepSql = inDriverStyle(syntax, "DELETE FROM dbgateway_idempotency WHERE created_at < ?");
  }

  /** {@code sql} with its {@code ?} placeholders in the driver's own style. */
  private static String inDriverStyle(SqlSyntax syntax, String sql) {
    return PlaceholderRewriter.parse(sql, syntax).sql();
  }

  /** Claims the key in the open transaction; fails with a constraint violation if it was claimed before. */
  public Future<Void> claim(SqlConnection conn, IdempotencyKey key) {
    return conn.preparedQuery(claimSql)
        .execute(Tuple.of(key.scope(), key.key(), key.operation(), key.requestHash(), System.currentTimeMillis()))
        .mapEmpty();
  }

  public Future<Void> complete(SqlConnection conn, IdempotencyKey key, JsonObject response) {
    return conn.preparedQuery(completeSql).execute(Tuple.of(response.encode(), key.scope(), key.key())).mapEmpty();
  }

  /** The record of {@code key} in its caller's scope, or null if there is none. */
  public Future<Recorded> find(SqlClient client, IdempotencyKey key) {
    return client.preparedQuery(findSql).execute(Tuple.of(key.scope(), key.key())).map(IdempotencyStore::recorded);
  }

  private static Recorded recorded(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return null;
    }
    Row row = rows.iterator().next();
    String response = row.getString(2);
    return new Recorded(row.getString(0), row.getString(1), response == null ? null : new JsonObject(response));
  }

  /** Forgets keys older than {@code retention}; answers how many went. */
  public Future<Integer> sweep(SqlClient client, Duration retention) {
    return client.preparedQuery(sweepSql).execute(Tuple.of(System.currentTimeMillis() - retention.toMillis()))
        .map(RowSet::rowCount);
  }
}

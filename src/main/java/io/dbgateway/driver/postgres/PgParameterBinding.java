package io.dbgateway.driver.postgres;

import io.dbgateway.driver.RowCursor;
import io.dbgateway.error.GatewayException;
import io.dbgateway.sql.PlaceholderRewriter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds a statement's JSON parameters on PostgreSQL so that a value the database accepts in that place,
 * as the text form of its type, is accepted, as psql and pgjdbc users are used to.
 *
 * <p>A statement first runs as it is: vertx-pg-client binds each value as the type the server
 * inferred, from what {@link PgCoercingTuple} converts it to. Where the tuple refuses a value (no
 * conversion, or a type the driver cannot encode or does not know), nothing was sent, and the statement
 * runs again with each such placeholder written {@code ($n::pg_catalog.text::type)}: the value goes as
 * text, and the server reads it with the type's own input function, as it reads a literal. The inferred
 * types come from the server ({@code pg_prepared_statements}) and are remembered per SQL text, so the
 * next run of that text is written so at once.
 *
 * <p>A null is written {@code NULL} in the statement (see {@link #nullsWritten}). A parameter with a
 * value that the server cannot type at all ({@code $1 IS NULL}: 42P18) is cast to its JSON value's type
 * (text for a string), as a literal would be; inside a transaction that error has already aborted it, so
 * there it stays the answer.
 */
final class PgParameterBinding {

  /** One run of the statement: its SQL and the values to bind. */
  @FunctionalInterface
  interface Attempt<T> {
    Future<T> run(String sql, Tuple params);
  }

  static final int DEFAULT_CAPACITY = 1000;

  /** What the server inferred for one parameter: its OID, its qualified name, and for an array the element delimiter. */
  record ServerType(long oid, String name, boolean array, char delimiter) {}

  /** How a placeholder is rewritten: what follows it, and the text its value goes as (null: its value as it is). */
  private record Cast(String suffix, String text) {}

  private static final String UNDETERMINED = "42P18";
  private static final String TRANSACTION_ABORTED = "25P02";
  private static final Pattern PARAMETER = Pattern.compile("\\$(\\d+)");
  private static final Pattern REFUSED =
      Pattern.compile(Pattern.quote(PgCoercingTuple.REFUSED) + "(\\d+)|Parameter at position\\[(\\d+)].*", Pattern.DOTALL);

  /** The inferred types of the parameters of a statement the session has prepared, with the SQL text. */
  private static final String DESCRIBE = "SELECT p.oid::int8, format('%I.%I', n.nspname, t.typname),"
      + " t.typcategory = 'A', coalesce(e.typdelim, ',')"
      + " FROM (SELECT parameter_types FROM pg_catalog.pg_prepared_statements"
      + " WHERE statement = $1 AND NOT from_sql LIMIT 1) s"
      + " CROSS JOIN LATERAL unnest(s.parameter_types::oid[]) WITH ORDINALITY AS p(oid, i)"
      + " JOIN pg_catalog.pg_type t ON t.oid = p.oid JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
      + " LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem AND t.typcategory = 'A' ORDER BY p.i";

  /** The parameter types of SQL texts the driver could not bind as they were; read by every statement. */
  private final Map<String, List<ServerType>> types = new ConcurrentHashMap<>();
  private final int capacity;

  /** @param capacity how many SQL texts' parameter types are remembered; when full, any one makes room */
  PgParameterBinding(int capacity) {
    this.capacity = capacity;
  }

  /** Runs {@code attempt} with {@code params}, and again with text where the driver refused a value. */
  <T> Future<T> bind(SqlConnection conn, String sql, Tuple params, Attempt<T> attempt) {
    if (!(params instanceof PgCoercingTuple tuple)) {
      return attempt.run(sql, params);
    }
    boolean nulls = tuple.hasNulls();
    String withNulls = nulls ? nullsWritten(sql, tuple) : sql;
    PgCoercingTuple values = nulls ? tuple.withoutNulls() : tuple;
    List<ServerType> known = values.size() > 0 ? types.get(withNulls) : null;
    return run(conn, withNulls, values, known == null ? Map.of() : textCasts(known, values, Map.of()), attempt, 0);
  }

  /**
   * {@code sql} with each placeholder whose value is null written {@code NULL}, and the others numbered
   * again in order: a literal NULL takes its type from where it stands, as a null parameter does, but the
   * server also accepts one where nothing gives it a type ({@code SELECT NULL IS NULL}), which it refuses
   * for a parameter (42P18) and, inside a transaction, by aborting it.
   */
  private static String nullsWritten(String sql, PgCoercingTuple params) {
    int[] renumbered = new int[params.size() + 1];
    int next = 0;
    for (int i = 0; i < params.size(); i++) {
      renumbered[i + 1] = params.json(i) == null ? 0 : ++next;
    }
    return PlaceholderRewriter.replaceNumbered(sql, n -> n > params.size() ? null
        : renumbered[n] == 0 ? "NULL" : "$" + renumbered[n]);
  }

  /**
   * A cursor opened (by {@code opener}, given the SQL and values to bind) at its first read, which binds as
   * {@link #bind} does: the driver binds a portal's values when it first reads from it.
   */
  RowCursor cursor(SqlConnection conn, String sql, Tuple params,
      java.util.function.BiFunction<String, Tuple, Future<RowCursor>> opener) {
    return new RowCursor() {
      private RowCursor open;

      @Override
      public Future<Chunk> read(int count) {
        if (open != null) {
          return open.read(count);
        }
        return bind(conn, sql, params, (s, p) -> opener.apply(s, p).compose(cursor -> cursor.read(count)
            .andThen(first -> open = first.succeeded() ? cursor : null)
            .recover(failure -> cursor.close().transform(closed -> Future.failedFuture(failure)))));
      }

      @Override
      public Future<Void> close() {
        return open == null ? Future.succeededFuture() : open.close();
      }
    };
  }

  private void remember(String sql, List<ServerType> inferred) {
    while (types.size() >= capacity && !types.containsKey(sql)) {
      types.keySet().stream().findAny().ifPresent(types::remove);
    }
    types.put(sql, inferred);
  }

  private <T> Future<T> run(SqlConnection conn, String sql, PgCoercingTuple params, Map<Integer, Cast> casts,
      Attempt<T> attempt, int round) {
    Map<Integer, String> texts = new HashMap<>();
    casts.forEach((number, cast) -> {
      if (cast.text() != null) {
        texts.put(number - 1, cast.text());
      }
    });
    // In parentheses, so what follows (a subscript, an operator) applies to the whole cast.
    String rewritten = casts.isEmpty() ? sql : PlaceholderRewriter.replaceNumbered(sql,
        n -> casts.containsKey(n) ? "($" + n + casts.get(n).suffix() + ")" : null);
    return attempt.run(rewritten, params.withText(texts)).recover(failure -> {
      if (round > params.size()) {
        return Future.failedFuture(failure);
      }
      Integer undetermined = undetermined(failure, params.size());
      if (undetermined != null && !casts.containsKey(undetermined)) {
        return run(conn, sql, params, with(casts, Map.of(undetermined, asItsJsonType(params.json(undetermined - 1)))),
            attempt, round + 1)
            .recover(later -> Future.failedFuture(sqlState(later, TRANSACTION_ABORTED) ? failure : later));
      }
      Integer refused = refused(failure);
      if (refused == null) {
        return Future.failedFuture(failure);
      }
      return textCasts(conn, rewritten, params, casts).compose(more -> more.isEmpty()
          ? Future.failedFuture(GatewayException.badRequest("parameter " + refused
              + " cannot be bound to the type the statement expects"))
          : run(conn, sql, params, with(casts, more), attempt, round + 1));
    });
  }

  /**
   * The text casts for each value the driver cannot bind as its inferred type, by the types the server
   * inferred for {@code sql}: remembered, or asked for once more when what was remembered helps no longer.
   */
  private Future<Map<Integer, Cast>> textCasts(SqlConnection conn, String sql, PgCoercingTuple params,
      Map<Integer, Cast> casts) {
    List<ServerType> known = types.get(sql);
    if (known != null) {
      Map<Integer, Cast> more = textCasts(known, params, casts);
      if (!more.isEmpty()) {
        return Future.succeededFuture(more);
      }
    }
    return describe(conn, sql).map(described -> {
      remember(sql, described);
      return textCasts(described, params, casts);
    });
  }

  private static Map<Integer, Cast> textCasts(List<ServerType> inferred, PgCoercingTuple params,
      Map<Integer, Cast> casts) {
    Map<Integer, Cast> more = new HashMap<>();
    for (int i = 0; i < Math.min(inferred.size(), params.size()); i++) {
      Object value = params.json(i);
      ServerType type = inferred.get(i);
      if (value == null || casts.containsKey(i + 1) || params.converts(i, type.oid())) {
        continue;
      }
      String text = type.array() && value instanceof JsonArray array
          ? PgCoercingTuple.arrayLiteral(array, type.delimiter()) : PgCoercingTuple.text(value);
      more.put(i + 1, new Cast("::pg_catalog.text::" + type.name(), text));
    }
    return more;
  }

  /** Prepares {@code sql} as a statement of its own, to read the parameter types the server inferred. */
  private static Future<List<ServerType>> describe(SqlConnection conn, String sql) {
    return conn.prepare(sql).compose(statement -> {
      Future<List<ServerType>> described = conn.preparedQuery(DESCRIBE).execute(Tuple.of(sql)).map(rows -> {
        List<ServerType> inferred = new ArrayList<>();
        for (Row row : rows) {
          inferred.add(new ServerType(row.getLong(0), row.getString(1), row.getBoolean(2), row.getString(3).charAt(0)));
        }
        return inferred;
      });
      return Future.join(described, statement.close()).transform(done -> described);
    });
  }

  /** For a parameter the server could not type: the type of its JSON value, as the driver would name it. */
  private static Cast asItsJsonType(Object value) {
    String type;
    if (value instanceof Boolean) {
      type = "bool";
    } else if (value instanceof Integer || value instanceof Short) {
      type = "int4";
    } else if (value instanceof Long) {
      type = "int8";
    } else if (value instanceof BigInteger || value instanceof BigDecimal) {
      type = "numeric";
    } else if (value instanceof Number) {
      type = "float8";
    } else if (value instanceof JsonObject || value instanceof JsonArray) {
      type = "jsonb";
    } else {
      type = "text";
    }
    return new Cast("::pg_catalog." + type, null);
  }

  private static Map<Integer, Cast> with(Map<Integer, Cast> casts, Map<Integer, Cast> more) {
    Map<Integer, Cast> all = new HashMap<>(casts);
    all.putAll(more);
    return all;
  }

  /** The parameter the server could not type (its number in the error), or null for another failure. */
  private static Integer undetermined(Throwable failure, int parameters) {
    if (!sqlState(failure, UNDETERMINED)) {
      return null;
    }
    Matcher m = PARAMETER.matcher(((PgException) failure).getErrorMessage());
    if (!m.find() || m.group(1).length() > 5) {
      return null;
    }
    int number = Integer.parseInt(m.group(1));
    return number >= 1 && number <= parameters ? number : null;
  }

  /** The parameter the driver refused before sending anything (1-based), or null for another failure. */
  private static Integer refused(Throwable failure) {
    String message = failure.getMessage();
    if (message == null) {
      return null;
    }
    Matcher m = REFUSED.matcher(message);
    if (!m.matches()) {
      return null;
    }
    return m.group(1) != null ? Integer.valueOf(m.group(1)) : Integer.parseInt(m.group(2)) + 1;
  }

  private static boolean sqlState(Throwable failure, String state) {
    return failure instanceof PgException pg && state.equals(pg.getSqlState());
  }
}

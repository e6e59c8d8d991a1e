package io.dbgateway.operations;

import io.dbgateway.api.BatchRequest;
import io.dbgateway.api.BeginRequest;
import io.dbgateway.api.Consistency;
import io.dbgateway.api.Limits;
import io.dbgateway.api.ParamType;
import io.dbgateway.api.ParamTypes;
import io.dbgateway.api.QueryRequest;
import io.dbgateway.api.ResultFormat;
import io.dbgateway.api.Statement;
import io.dbgateway.api.Target;
import io.dbgateway.api.TransactionRequest;
import io.dbgateway.config.LimitsConfig;
import io.dbgateway.config.QueryConfig;
import io.dbgateway.error.GatewayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns the JSON body of an operation (the same over HTTP and the event bus) into a request record.
 * Anything malformed is a 400 {@code BAD_REQUEST} that says which field is wrong.
 */
public final class RequestParser {

  private static final Set<String> LIMIT_FIELDS = Set.of("maxRows", "timeoutMs", "format", "idempotencyKey");
  /** Where the work runs: see {@link #target}. */
  private static final Set<String> TARGET_FIELDS = Set.of("database", "schema");
  private static final Set<String> QUERY_FIELDS = union(union(LIMIT_FIELDS, TARGET_FIELDS),
      Set.of("sql", "params", "paramTypes", "readOnly", "consistency", "txId", "columnMetadata"));
  private static final Set<String> BATCH_FIELDS =
      union(union(LIMIT_FIELDS, TARGET_FIELDS), Set.of("sql", "params", "paramTypes", "readOnly", "txId"));
  private static final Set<String> TRANSACTION_FIELDS =
      union(union(LIMIT_FIELDS, TARGET_FIELDS), Set.of("statements", "readOnly"));
  private static final Set<String> STATEMENT_FIELDS = Set.of("sql", "params", "paramTypes");
  private static final Set<String> BEGIN_FIELDS = union(TARGET_FIELDS, Set.of("readOnly", "consistency"));
  private static final Set<String> END_FIELDS = Set.of("txId");
  /** A named query takes what a query takes, except its SQL and read-only flag, which its file sets. */
  private static final Set<String> NAMED_FIELDS =
      union(LIMIT_FIELDS, Set.of("name", "params", "consistency", "txId"));

  private final QueryConfig config;
  private final int maxParams;
  private final List<String> databases;

  /** A parser with the default parameter limit ({@link LimitsConfig#DEFAULT_MAX_PARAMS}), that lets no request name a database. */
  public RequestParser(QueryConfig config) {
    this(config, LimitsConfig.DEFAULT_MAX_PARAMS, List.of());
  }

  /**
   * @param maxParams the most values one statement, or one batch parameter set, may bind
   * @param databases the databases a request may name: {@code DB_NAME} first, then those of
   *     {@code GATEWAY_DATABASES} ({@link io.dbgateway.config.DatabaseConfig#databases})
   */
  public RequestParser(QueryConfig config, int maxParams, List<String> databases) {
    this.config = config;
    this.maxParams = maxParams;
    this.databases = List.copyOf(databases);
  }

  /** {@code DB_NAME}, or null when this parser lets no request name a database. */
  public String mainDatabase() {
    return databases.isEmpty() ? null : databases.get(0);
  }

  public QueryRequest query(JsonObject body) {
    requireOnly(body, QUERY_FIELDS, "");
    return new QueryRequest(
        statement(body, ""),
        limits(body),
        bool(body, "readOnly"),
        enumValue(body, "consistency", Consistency.class, Consistency.EVENTUAL),
        txId(body),
        bool(body, "columnMetadata"),
        target(body));
  }

  public BatchRequest batch(JsonObject body) {
    requireOnly(body, BATCH_FIELDS, "");
    String txId = txId(body);
    String sql = sql(body, "");
    JsonArray sets = statementsArray(body, "params", "params must be a non-empty array of parameter sets",
        "a batch may have at most %d parameter sets");
    List<Object> paramSets = new ArrayList<>();
    for (int i = 0; i < sets.size(); i++) {
      Object set = sets.getValue(i);
      if (!(set instanceof JsonArray) && !(set instanceof JsonObject)) {
        throw GatewayException.badRequest("params[" + i + "] must be an array or an object");
      }
      checkCount(set, "params[" + i + "]");
      paramSets.add(set);
    }
    return new BatchRequest(sql, paramSets, limits(body), bool(body, "readOnly"), txId, paramTypes(body, ""),
        target(body));
  }

  /**
   * {@code body}'s {@code field}: a non-empty array of at most {@code GATEWAY_QUERY_MAX_STATEMENTS} items, one
   * statement each; else a bad request worded {@code notArray}, or {@code tooMany} with the bound.
   */
  private JsonArray statementsArray(JsonObject body, String field, String notArray, String tooMany) {
    if (!(body.getValue(field) instanceof JsonArray array) || array.isEmpty()) {
      throw GatewayException.badRequest(notArray);
    }
    if (array.size() > config.maxStatements()) {
      throw GatewayException.badRequest(String.format(tooMany, config.maxStatements()));
    }
    return array;
  }

  public TransactionRequest transaction(JsonObject body) {
    if (body.containsKey("txId")) {
      throw GatewayException.badRequest("txId does not apply to an atomic transaction, which is a transaction of its"
          + " own: send its statements one by one to /v1/query (dbgateway.query) with the txId instead");
    }
    requireOnly(body, TRANSACTION_FIELDS, "");
    JsonArray array = statementsArray(body, "statements", "statements must be a non-empty array",
        "a transaction may have at most %d statements");
    List<Statement> statements = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String where = "statements[" + i + "].";
      if (!(array.getValue(i) instanceof JsonObject statement)) {
        throw GatewayException.badRequest("statements[" + i + "] must be an object");
      }
      requireOnly(statement, STATEMENT_FIELDS, where);
      statements.add(statement(statement, where));
    }
    return new TransactionRequest(statements, limits(body), bool(body, "readOnly"), target(body));
  }

  /** The body of {@code POST /v1/transactions} ({@code dbgateway.tx.begin}); every field is optional. */
  public BeginRequest begin(JsonObject body) {
    noIdempotencyKey(body);
    requireOnly(body, BEGIN_FIELDS, "");
    return new BeginRequest(bool(body, "readOnly"),
        enumValue(body, "consistency", Consistency.class, Consistency.EVENTUAL), target(body));
  }

  /** The transaction a commit or rollback ends. */
  public String endingTxId(JsonObject body) {
    noIdempotencyKey(body);
    requireOnly(body, END_FIELDS, "");
    String txId = txId(body);
    if (txId == null) {
      throw GatewayException.badRequest("txId is required");
    }
    return txId;
  }

  /**
   * The name of the named query a request calls, once its other fields are known to be allowed; the
   * request becomes a query body with {@link #query} once the query's definition is found.
   */
  public String namedQueryName(JsonObject body) {
    for (String field : TARGET_FIELDS) {
      if (body.containsKey(field)) {
        throw GatewayException.badRequest(field + " does not apply to a named query: it runs on DB_NAME, as its file"
            + " defines it");
      }
    }
    requireOnly(body, NAMED_FIELDS, "");
    Object name = body.getValue("name");
    if (!(name instanceof String text) || text.isBlank()) {
      throw GatewayException.badRequest("name is required: the named query to run");
    }
    return text;
  }

  /**
   * The optional txId. An idempotency key cannot go with it: the statement commits only when its
   * transaction does, so the gateway cannot record its result atomically with its work.
   */
  private static String txId(JsonObject body) {
    String txId = optionalText(body, "txId");
    if (txId != null && body.getValue("idempotencyKey") != null) {
      throw GatewayException.badRequest("an Idempotency-Key cannot be used with txId: a statement inside an"
          + " interactive transaction commits only with its transaction");
    }
    return txId;
  }

  /**
   * {@code database} and {@code schema}: the database must be {@code DB_NAME} or one of
   * {@code GATEWAY_DATABASES}. An idempotency key cannot go with another database: keys are recorded in
   * {@code DB_NAME}'s own table, in the transaction of the work they protect, which work on another
   * database cannot share.
   */
  private Target target(JsonObject body) {
    String database = optionalText(body, "database");
    String schema = optionalText(body, "schema");
    if (database == null && schema == null) {
      return Target.DEFAULT;
    }
    if (database != null && !databases.contains(database)) {
      throw GatewayException.badRequest("database '" + database + "' is not served by this gateway: a request may"
          + " name DB_NAME or a database that GATEWAY_DATABASES lists");
    }
    if (database != null && !database.equals(databases.get(0)) && body.getValue("idempotencyKey") != null) {
      throw GatewayException.badRequest("an Idempotency-Key cannot be used with database '" + database + "': the"
          + " gateway records keys in DB_NAME, in the same transaction as the work, which work on another database"
          + " cannot share");
    }
    if (schema != null && schema.isBlank()) {
      throw GatewayException.badRequest("schema must be a non-empty string");
    }
    return new Target(database, schema);
  }

  private static void noIdempotencyKey(JsonObject body) {
    if (body.getValue("idempotencyKey") != null) {
      throw GatewayException.badRequest("an Idempotency-Key does not apply to beginning or ending an interactive"
          + " transaction");
    }
  }

  private Statement statement(JsonObject body, String where) {
    String sql = sql(body, where);
    Object params = body.getValue("params");
    if (params != null && !(params instanceof JsonArray) && !(params instanceof JsonObject)) {
      throw GatewayException.badRequest(where + "params must be an array, an object or null");
    }
    checkCount(params, where + "params");
    return new Statement(sql, params, paramTypes(body, where));
  }

  /** {@code paramTypes}: an object of name to type for {@code :name} parameters, an array for {@code ?} ones. */
  private static ParamTypes paramTypes(JsonObject body, String where) {
    Object raw = body.getValue("paramTypes");
    if (raw == null) {
      return ParamTypes.NONE;
    }
    if (raw instanceof JsonObject byName) {
      java.util.Map<String, ParamType> types = new java.util.HashMap<>();
      for (String name : byName.fieldNames()) {
        ParamType type = paramType(byName.getValue(name), where + "paramTypes." + name);
        if (type != null) {
          types.put(name, type);
        }
      }
      return new ParamTypes(types, List.of());
    }
    if (raw instanceof JsonArray byPosition) {
      List<ParamType> types = new ArrayList<>();
      for (int i = 0; i < byPosition.size(); i++) {
        types.add(paramType(byPosition.getValue(i), where + "paramTypes[" + i + "]"));
      }
      return new ParamTypes(java.util.Map.of(), types);
    }
    throw GatewayException.badRequest(where + "paramTypes must be an object (for :name parameters) or an array");
  }

  private static ParamType paramType(Object value, String field) {
    if (value == null) {
      return null;
    }
    if (value instanceof String name) {
      java.util.Optional<ParamType> type = ParamType.parse(name);
      if (type.isPresent()) {
        return type.get();
      }
    }
    List<String> allowed = new ArrayList<>();
    for (ParamType type : ParamType.values()) {
      allowed.add(type.name());
    }
    throw GatewayException.badRequest(field + " must be one of " + String.join(", ", allowed) + " or null");
  }

  /** A 400, not a 413: the body may be small, it is the statement that asks to bind too much. */
  private void checkCount(Object params, String where) {
    int count = params instanceof JsonArray array ? array.size() : params instanceof JsonObject object ? object.size() : 0;
    if (count > maxParams) {
      throw GatewayException.badRequest(where + " has " + count + " values; a statement may bind at most "
          + maxParams + " (GATEWAY_LIMIT_MAX_PARAMS)");
    }
  }

  private static String sql(JsonObject body, String where) {
    Object sql = body.getValue("sql");
    if (sql == null) {
      throw GatewayException.badRequest(where + "sql is required");
    }
    if (!(sql instanceof String text) || text.isBlank()) {
      throw GatewayException.badRequest(where + "sql must be a non-empty string");
    }
    if (text.indexOf('\0') >= 0) {
      // No engine takes NUL in SQL text; PostgreSQL's wire protocol even breaks the connection on it.
      throw GatewayException.badRequest(where + "sql must not contain NUL characters");
    }
    return text;
  }

  private Limits limits(JsonObject body) {
    int maxRows = (int) number(body, "maxRows", config.defaultMaxRows(), 0, config.maxRowsLimit(),
        "GATEWAY_QUERY_MAX_ROWS_LIMIT");
    long timeoutMs = number(body, "timeoutMs", config.defaultTimeoutMs(), 1, config.maxTimeoutMs(),
        "GATEWAY_QUERY_MAX_TIMEOUT_MS");
    ResultFormat format = enumValue(body, "format", ResultFormat.class, ResultFormat.OBJECTS);
    return new Limits(maxRows, timeoutMs, format);
  }

  /** @param ceiling the setting that sets {@code max}, named in the answer so a client knows it is the gateway's limit */
  private static long number(JsonObject body, String field, long fallback, long min, long max, String ceiling) {
    Object value = body.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      throw GatewayException.badRequest(field + " must be a whole number");
    }
    long number = ((Number) value).longValue();
    if (number < min || number > max) {
      throw GatewayException.badRequest(field + " must be between " + min + " and " + max
          + (number > max ? ": " + number + " is above this gateway's limit (" + ceiling + ")" : ""));
    }
    return number;
  }

  private static boolean bool(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return false;
    }
    if (!(value instanceof Boolean flag)) {
      throw GatewayException.badRequest(field + " must be true or false");
    }
    return flag;
  }

  private static String optionalText(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw GatewayException.badRequest(field + " must be a string");
    }
    return (String) value;
  }

  private static <E extends Enum<E>> E enumValue(JsonObject body, String field, Class<E> type, E fallback) {
    Object value = body.getValue(field);
    if (value == null) {
      return fallback;
    }
    try {
      return Enum.valueOf(type, ((String) value).toUpperCase(Locale.ROOT));
    } catch (ClassCastException | IllegalArgumentException e) {
      List<String> allowed = new ArrayList<>();
      for (E constant : type.getEnumConstants()) {
        allowed.add(constant.name().toLowerCase(Locale.ROOT));
      }
      throw GatewayException.badRequest(field + " must be one of " + String.join(", ", allowed));
    }
  }

  private static void requireOnly(JsonObject body, Set<String> allowed, String where) {
    for (String field : body.fieldNames()) {
      if (!allowed.contains(field)) {
        throw GatewayException.badRequest("unknown field '" + where + field + "'");
      }
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}

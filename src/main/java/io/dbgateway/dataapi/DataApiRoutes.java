package io.dbgateway.dataapi;

import io.dbgateway.api.Addresses;
import io.dbgateway.api.ParamType;
import io.dbgateway.config.GatewayConfig;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.dbgateway.http.HttpOperations;
import io.dbgateway.http.Problems;
import io.dbgateway.http.RequestBodies;
import io.dbgateway.http.SignedRoutes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.sql.JDBCType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The RDS Data API endpoints, so AWS SDKs work unchanged with their endpoint pointed at the gateway.
 * Each is an adapter onto the operations on the event bus, run as the request's caller:
 * {@code /Execute} onto {@code dbgateway.query}, {@code /BatchExecute} onto {@code dbgateway.batch},
 * and the transaction endpoints onto {@code dbgateway.tx.*}.
 *
 * <p>{@code database} and {@code schema} become the operation's own fields: the database must be
 * {@code DB_NAME} or one of {@code GATEWAY_DATABASES}, and the schema is honoured on PostgreSQL (its
 * search path) and must be the database elsewhere. {@code resourceArn}, {@code secretArn} and
 * {@code continueAfterTimeout} are accepted and ignored. Members the Data API does not define are
 * ignored, as AWS ignores them.
 */
public final class DataApiRoutes {

  public static final List<String> PATHS =
      List.of("/Execute", "/BatchExecute", "/BeginTransaction", "/CommitTransaction", "/RollbackTransaction");

  /**
   * These paths choose their error format before any other handler runs, so every error (from
   * authentication, the body limit, the operation) reaches AWS SDKs as a Data API exception.
   */
  static final int FIRST = Integer.MIN_VALUE + 1_000;

  private final HttpOperations bus;
  private final int maxRows;

  /** The paths' body (bounded) and caller come from HttpVerticle's guard, mounted before these routes. */
  public DataApiRoutes(HttpOperations bus, GatewayConfig config) {
    this.bus = bus;
    this.maxRows = config.query().maxRowsLimit();
  }

  /** The Data API as each HTTP verticle mounts it: its paths, and its routes on that verticle's calls. */
  public static SignedRoutes routes(GatewayConfig config) {
    return new SignedRoutes(PATHS, (router, calls) -> new DataApiRoutes(calls, config).mount(router));
  }

  public void mount(Router router) {
    for (String path : PATHS) {
      router.post(path).order(FIRST).handler(ctx -> {
        Problems.useWriter(ctx, DataApiErrors::send);
        ctx.next();
      });
    }
    router.post("/Execute").handler(ctx -> serve(ctx, this::execute));
    router.post("/BatchExecute").handler(ctx -> serve(ctx, this::batchExecute));
    router.post("/BeginTransaction").handler(ctx -> serve(ctx, this::begin));
    router.post("/CommitTransaction").handler(ctx -> serve(ctx,
        request -> end(request, Addresses.TX_COMMIT, "Transaction Committed")));
    router.post("/RollbackTransaction").handler(ctx -> serve(ctx,
        request -> end(request, Addresses.TX_ROLLBACK, "Rollback Complete")));
  }

  /** A request, read and answered: the operation's JSON, or its problem as a Data API exception. */
  private interface Operation extends Function<Request, Future<JsonObject>> {}

  /** The request's body, with the routing context it came on. */
  private record Request(RoutingContext ctx, JsonObject body) {}

  private void serve(RoutingContext ctx, Operation operation) {
    Future<JsonObject> result;
    try {
      result = operation.apply(new Request(ctx, body(ctx)));
    } catch (GatewayException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(
        json -> ctx.response().putHeader("Content-Type", "application/json").end(json.toBuffer()),
        failure -> Problems.send(ctx, failure instanceof GatewayException g ? g.problem() : Problem.fromBus(failure)));
  }

  private static JsonObject body(RoutingContext ctx) {
    return RequestBodies.objectOrEmpty(ctx);
  }


  // ---- ExecuteStatement ----

  private Future<JsonObject> execute(Request request) {
    JsonObject in = request.body();
    ignored(in, "continueAfterTimeout", Boolean.class);
    Fields.Options options = resultSetOptions(in);
    boolean metadata = flag(in, "includeResultMetadata");
    boolean json = "JSON".equals(oneOf(in, "formatRecordsAs", List.of("NONE", "JSON")));
    JsonObject params = new JsonObject();
    JsonObject types = new JsonObject();
    for (Fields.NamedParam p : parameters(in.getValue("parameters"), "parameters")) {
      params.put(p.name(), p.param().value());
      if (p.param().type() != null) {
        types.put(p.name(), p.param().type().name());
      }
    }
    // The columns' full description always: a value's Field depends on its type's own name (JSON, YEAR).
    JsonObject query = new JsonObject().put("sql", sql(in)).put("params", params).put("format", "arrays")
        .put("maxRows", maxRows).put("columnMetadata", true);
    if (!types.isEmpty()) {
      query.put("paramTypes", types);
    }
    target(in, query);
    transaction(request, query);
    return bus.request(request.ctx(), Addresses.QUERY, query).map(reply -> {
      JsonObject result = reply.body();
      if (result.getBoolean("truncated", false)) {
        throw GatewayException.badRequest("the result has more than " + maxRows + " rows; the Data API returns"
            + " whole results only, so select fewer rows (LIMIT) or page through them");
      }
      return executeResponse(result, metadata, json, options);
    });
  }

  private static JsonObject executeResponse(JsonObject result, boolean metadata, boolean json, Fields.Options options) {
    JsonArray columns = result.getJsonArray("columns", new JsonArray());
    JsonObject out = new JsonObject().put("numberOfRecordsUpdated", result.getLong("updated", 0L))
        .put("generatedFields", generatedFields(result.getJsonArray("generatedKeys", new JsonArray())));
    if (!columns.isEmpty()) {
      JsonArray records = new JsonArray();
      for (Object row : result.getJsonArray("rows", new JsonArray())) {
        JsonArray values = (JsonArray) row;
        JsonArray record = new JsonArray();
        for (int i = 0; i < columns.size(); i++) {
          JsonObject column = columns.getJsonObject(i);
          record.add(Fields.field(values.getValue(i), column.getString("type"), column.getString("typeName"), options));
        }
        records.add(record);
      }
      if (json) {
        out.put("formattedRecords", formatted(columns, records).encode());
      } else {
        out.put("records", records);
      }
    }
    // As AWS: a statement without a result set has no columnMetadata; clients (kysely-data-api) tell DML by it.
    if (metadata && !columns.isEmpty()) {
      JsonArray described = new JsonArray();
      columns.forEach(column -> described.add(columnMetadata((JsonObject) column)));
      out.put("columnMetadata", described);
    }
    return out;
  }

  /** The rows as JSON objects, each value the plain form of its Field. */
  private static JsonArray formatted(JsonArray columns, JsonArray records) {
    JsonArray rows = new JsonArray();
    for (Object record : records) {
      JsonObject row = new JsonObject();
      JsonArray fields = (JsonArray) record;
      for (int i = 0; i < columns.size(); i++) {
        row.put(columns.getJsonObject(i).getString("name"), Fields.plain(fields.getJsonObject(i)));
      }
      rows.add(row);
    }
    return rows;
  }

  /** A column as the Data API's {@code ColumnMetadata}, from the operation's full column description. */
  private static JsonObject columnMetadata(JsonObject column) {
    String arrayBase = column.getString("arrayBaseType");
    return new JsonObject()
        .put("name", column.getString("name"))
        .put("label", column.getString("name"))
        .put("type", jdbcCode(column.getString("type")))
        .put("typeName", column.getString("typeName"))
        .put("nullable", column.getInteger("nullable"))
        .put("precision", column.getInteger("precision"))
        .put("scale", column.getInteger("scale"))
        .put("isSigned", column.getBoolean("signed"))
        .put("isAutoIncrement", column.getBoolean("autoIncrement"))
        .put("isCaseSensitive", column.getBoolean("caseSensitive"))
        .put("isCurrency", column.getBoolean("currency"))
        .put("schemaName", column.getString("schemaName"))
        .put("tableName", column.getString("tableName"))
        .put("arrayBaseColumnType", arrayBase == null ? 0 : jdbcCode(arrayBase));
  }

  /** The code of a JDBC type name ({@link java.sql.Types}); {@code OTHER} for a name JDBC does not have. */
  static int jdbcCode(String jdbcType) {
    try {
      return JDBCType.valueOf(jdbcType).getVendorTypeNumber();
    } catch (IllegalArgumentException | NullPointerException e) {
      return JDBCType.OTHER.getVendorTypeNumber();
    }
  }

  private static JsonArray generatedFields(JsonArray keys) {
    JsonArray fields = new JsonArray();
    keys.forEach(key -> fields.add(Fields.field(key, "BIGINT", null, Fields.Options.DEFAULT)));
    return fields;
  }

  private static Fields.Options resultSetOptions(JsonObject in) {
    Object raw = in.getValue("resultSetOptions");
    if (raw == null) {
      return Fields.Options.DEFAULT;
    }
    if (!(raw instanceof JsonObject options)) {
      throw GatewayException.badRequest("resultSetOptions must be an object");
    }
    String decimals = oneOf(options, "decimalReturnType", List.of("STRING", "DOUBLE_OR_LONG"));
    String longs = oneOf(options, "longReturnType", List.of("STRING", "LONG"));
    return new Fields.Options("DOUBLE_OR_LONG".equals(decimals), "STRING".equals(longs));
  }

  // ---- BatchExecuteStatement ----

  private Future<JsonObject> batchExecute(Request request) {
    JsonObject in = request.body();
    Object raw = in.getValue("parameterSets");
    if (raw != null && !(raw instanceof JsonArray)) {
      throw GatewayException.badRequest("parameterSets must be an array of parameter lists");
    }
    JsonArray sets = raw == null || ((JsonArray) raw).isEmpty() ? new JsonArray().add(new JsonArray()) : (JsonArray) raw;
    JsonArray params = new JsonArray();
    Map<String, Object> declared = new HashMap<>();
    for (int i = 0; i < sets.size(); i++) {
      JsonObject set = new JsonObject();
      for (Fields.NamedParam p : parameters(sets.getValue(i), "parameterSets[" + i + "]")) {
        set.put(p.name(), p.param().value());
        declare(declared, p);
      }
      params.add(set);
    }
    JsonObject types = new JsonObject();
    declared.forEach((name, type) -> {
      if (type instanceof ParamType t) {
        types.put(name, t.name());
      }
    });
    JsonObject batch = new JsonObject().put("sql", sql(in)).put("params", params);
    if (!types.isEmpty()) {
      batch.put("paramTypes", types);
    }
    target(in, batch);
    transaction(request, batch);
    int count = sets.size();
    return bus.request(request.ctx(), Addresses.BATCH, batch).map(reply -> {
      JsonArray keys = reply.body().getJsonArray("generatedKeys", new JsonArray());
      JsonArray results = new JsonArray();
      for (int i = 0; i < count; i++) {
        // Keys come as one list; only one key per set ties each to its set.
        JsonArray own = keys.size() == count ? new JsonArray().add(keys.getValue(i)) : new JsonArray();
        results.add(new JsonObject().put("generatedFields", generatedFields(own)));
      }
      return new JsonObject().put("updateResults", results);
    });
  }

  /** No declared type, as opposed to a null value, which fits any type. */
  private static final Object UNTYPED = new Object();

  /** One type per name across the sets: the operation binds every set alike. */
  private static void declare(Map<String, Object> declared, Fields.NamedParam p) {
    if (p.param().value() == null && p.param().type() == null) {
      return;
    }
    Object type = p.param().type() == null ? UNTYPED : p.param().type();
    Object before = declared.putIfAbsent(p.name(), type);
    if (before != null && before != type) {
      throw GatewayException.badRequest("parameter '" + p.name() + "' has a different type (typeHint, or blobValue"
          + " against another kind of value) in different parameter sets; the gateway binds every set alike");
    }
  }

  // ---- transactions ----

  private Future<JsonObject> begin(Request request) {
    checkIgnored(request.body());
    JsonObject begin = new JsonObject();
    target(request.body(), begin);
    return bus.request(request.ctx(), Addresses.TX_BEGIN, begin)
        .map(reply -> new JsonObject().put("transactionId", reply.body().getString("txId")));
  }

  private Future<JsonObject> end(Request request, String address, String status) {
    checkIgnored(request.body());
    String txId = text(request.body(), "transactionId");
    if (txId == null || txId.isEmpty()) {
      throw GatewayException.badRequest("transactionId is required");
    }
    DataApiErrors.namesTransaction(request.ctx());
    return bus.request(request.ctx(), address, new JsonObject().put("txId", txId))
        .map(reply -> new JsonObject().put("transactionStatus", status));
  }

  /**
   * The database and schema the request names, as the operation's fields; empty ones name none, as an
   * empty transactionId does.
   */
  private static void target(JsonObject in, JsonObject operation) {
    for (String field : List.of("database", "schema")) {
      String value = text(in, field);
      if (value != null && !value.isEmpty()) {
        operation.put(field, value);
      }
    }
  }

  /** Runs the operation in the request's transaction, when it names one; an empty id names none. */
  private static void transaction(Request request, JsonObject operation) {
    String txId = text(request.body(), "transactionId");
    if (txId != null && !txId.isEmpty()) {
      DataApiErrors.namesTransaction(request.ctx());
      operation.put("txId", txId);
    }
  }

  // ---- reading the request ----

  /** The {@code SqlParameter} list {@code raw}: each a name, a Field and maybe a typeHint. */
  private static List<Fields.NamedParam> parameters(Object raw, String where) {
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof JsonArray list)) {
      throw GatewayException.badRequest(where + " must be an array of {name, value, typeHint}");
    }
    java.util.ArrayList<Fields.NamedParam> named = new java.util.ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.getValue(i) instanceof JsonObject parameter)) {
        throw GatewayException.badRequest(where + "[" + i + "] must be an object {name, value, typeHint}");
      }
      String name = text(parameter, "name");
      if (name == null || name.isEmpty()) {
        throw GatewayException.badRequest(where + "[" + i + "].name is required: the gateway binds :name placeholders");
      }
      if (!seen.add(name)) {
        throw GatewayException.badRequest(where + " names '" + name + "' twice");
      }
      named.add(new Fields.NamedParam(name, Fields.param(parameter.getValue("value"), text(parameter, "typeHint"), name)));
    }
    return named;
  }

  /**
   * The members every Data API request may carry, checked for their type: the ARNs, which the gateway
   * ignores, and the database and schema, which {@link #target} maps (the end of a transaction ignores them).
   */
  private static void checkIgnored(JsonObject in) {
    ignored(in, "resourceArn", String.class);
    ignored(in, "secretArn", String.class);
    ignored(in, "database", String.class);
    ignored(in, "schema", String.class);
  }

  private static String sql(JsonObject in) {
    checkIgnored(in);
    String sql = text(in, "sql");
    if (sql == null || sql.isBlank()) {
      throw GatewayException.badRequest("sql is required");
    }
    return sql;
  }

  /** A member the gateway ignores, still checked for its type, so a malformed request is told. */
  private static void ignored(JsonObject in, String field, Class<?> type) {
    Object value = in.getValue(field);
    if (value != null && !type.isInstance(value)) {
      throw GatewayException.badRequest(field + " must be a " + (type == String.class ? "string" : "boolean"));
    }
  }

  private static String text(JsonObject in, String field) {
    Object value = in.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw GatewayException.badRequest(field + " must be a string");
    }
    return (String) value;
  }

  private static boolean flag(JsonObject in, String field) {
    ignored(in, field, Boolean.class);
    return Objects.equals(in.getValue(field), Boolean.TRUE);
  }

  private static String oneOf(JsonObject in, String field, List<String> allowed) {
    String value = text(in, field);
    if (value != null && !allowed.contains(value)) {
      throw GatewayException.badRequest(field + " must be one of " + String.join(", ", allowed));
    }
    return value;
  }
}

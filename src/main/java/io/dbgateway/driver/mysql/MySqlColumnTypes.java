package io.dbgateway.driver.mysql;

import io.vertx.core.Completable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.mysqlclient.impl.datatype.DataType;
import io.vertx.mysqlclient.impl.protocol.ColumnDefinition;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What vertx-mysql-client cannot tell about a result's columns, asked of MariaDB Connector/J: the
 * native protocol's column definitions, as that client keeps them, lose the display length and the
 * extended type info, so {@code TINYINT(1)} (a boolean, per the contract) looks like {@code
 * TINYINT(4)}, and MariaDB's {@code JSON} (a {@code LONGTEXT}) like any other text.
 *
 * <p>For a statement whose native result has a column that could be either (a {@code TINY}, a {@code
 * BIT} or a text column), this prepares the same SQL through Connector/J with server-side prepared
 * statements and reads {@link PreparedStatement#getMetaData()}: the server describes the result
 * without running the statement. That happens once per distinct SQL text, on a worker thread (never
 * on an event loop), over one dedicated connection; the answer is cached (least recently used first
 * out, {@value #DEFAULT_CAPACITY} statements by default). Concurrent first uses of one SQL text share
 * one probe.
 *
 * <p>If the probe fails (a temporary table only the querying session sees, a server that is down),
 * the native description stands: booleans come back as numbers and JSON as text, never an error.
 */
public final class MySqlColumnTypes implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MySqlColumnTypes.class);

  static final int DEFAULT_CAPACITY = 1000;

  /** What a column is beyond what the native protocol said. */
  public enum Refinement {
    NONE, BOOLEAN, JSON
  }

  /** A native column, with its refinement. */
  public record RefinedColumn(ColumnDescriptor column, Refinement refinement) implements ColumnDescriptor {

    @Override
    public String name() {
      return column.name();
    }

    @Override
    public boolean isArray() {
      return false;
    }

    @Override
    public String typeName() {
      return refinement == Refinement.BOOLEAN ? "BOOLEAN" : refinement == Refinement.JSON ? "JSON" : column.typeName();
    }

    @Override
    public JDBCType jdbcType() {
      return refinement == Refinement.BOOLEAN ? JDBCType.BOOLEAN
          : refinement == Refinement.JSON ? JDBCType.OTHER : column.jdbcType();
    }
  }

  /** What the probe found for one SQL text, for the native column types it was asked about. */
  private record Description(List<DataType> nativeTypes, Refinement[] refinements) {}

  private final Vertx vertx;
  private final String url;
  private final Properties credentials = new Properties();
  private final Map<String, Future<Description>> cache;
  private final Object connectionLock = new Object();
  private Connection connection;
  /** The database the probe connection uses now, and the one its URL names. */
  private String catalog;
  private String urlDatabase;
  private volatile boolean closed;

  /**
   * @param jdbcUrl the node's MariaDB Connector/J URL ({@code jdbc:mariadb://host:port/db[?...]});
   *     server-side prepared statements are switched on here
   */
  public MySqlColumnTypes(Vertx vertx, String jdbcUrl, String user, String password) {
    this(vertx, jdbcUrl, user, password, DEFAULT_CAPACITY);
  }

  public MySqlColumnTypes(Vertx vertx, String jdbcUrl, String user, String password, int capacity) {
    this.vertx = vertx;
    this.url = withOptions(jdbcUrl);
    if (user != null) {
      credentials.setProperty("user", user);
    }
    if (password != null) {
      credentials.setProperty("password", password);
    }
    this.cache = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Future<Description>> eldest) {
        return size() > capacity;
      }
    };
    // Vert.x internals (VertxInternal.addCloseHook): no public API closes a resource of one's own with Vert.x.
    if (vertx instanceof VertxInternal internal) {
      internal.addCloseHook(this::close);
    }
  }

  private static String withOptions(String jdbcUrl) {
    StringBuilder url = new StringBuilder(jdbcUrl).append(jdbcUrl.contains("?") ? '&' : '?');
    // Server-side prepare describes the result without running it; no client-side statement cache,
    // so no prepared statements linger on the server.
    url.append("useServerPrepStmts=true&cachePrepStmts=false");
    if (!jdbcUrl.contains("socketTimeout=")) {
      url.append("&socketTimeout=10000");
    }
    if (!jdbcUrl.contains("connectTimeout=")) {
      url.append("&connectTimeout=5000");
    }
    return url.toString();
  }

  /**
   * The columns of a result of {@code sql}, refined where MariaDB Connector/J knows better. Answers at
   * once, without probing, when no column could need it or the SQL text was probed before.
   */
  public Future<List<ColumnDescriptor>> describe(String sql, List<ColumnDescriptor> columns) {
    return describe(null, sql, columns);
  }

  /**
   * As {@link #describe(String, List)}, for {@code sql} run on {@code database} (null: the URL's own), where
   * its unqualified names resolve: the probe prepares it there.
   */
  public Future<List<ColumnDescriptor>> describe(String database, String sql, List<ColumnDescriptor> columns) {
    if (columns == null || columns.isEmpty() || !needsProbe(columns)) {
      return Future.succeededFuture(columns);
    }
    List<DataType> nativeTypes = nativeTypes(columns);
    // The same text can mean other tables in another database.
    String key = database == null ? sql : database + '\0' + sql;
    Future<Description> description;
    synchronized (cache) {
      description = cache.get(key);
      if (description == null || (description.isComplete() && !description.result().nativeTypes().equals(nativeTypes))) {
        description = probe(key, database, sql, nativeTypes);
        cache.put(key, description);
      }
    }
    return description.map(d -> refine(columns, d));
  }

  /** The number of SQL texts described, for tests and metrics. */
  public int cached() {
    synchronized (cache) {
      return cache.size();
    }
  }

  static boolean needsProbe(List<ColumnDescriptor> columns) {
    for (ColumnDescriptor column : columns) {
      if (column instanceof ColumnDefinition d && (mayBeBoolean(d.type()) || mayBeJson(d.type()))) {
        return true;
      }
    }
    return false;
  }

  private static boolean mayBeBoolean(DataType type) {
    return type == DataType.INT8 || type == DataType.U_INT8 || type == DataType.BIT;
  }

  private static boolean mayBeJson(DataType type) {
    return type == DataType.TINY_TEXT || type == DataType.TEXT || type == DataType.MEDIUM_TEXT
        || type == DataType.LONG_TEXT;
  }

  private static List<DataType> nativeTypes(List<ColumnDescriptor> columns) {
    List<DataType> types = new ArrayList<>(columns.size());
    for (ColumnDescriptor column : columns) {
      types.add(column instanceof ColumnDefinition d ? d.type() : null);
    }
    return types;
  }

  private static List<ColumnDescriptor> refine(List<ColumnDescriptor> columns, Description description) {
    Refinement[] refinements = description.refinements();
    if (refinements == null || refinements.length != columns.size()) {
      return columns;
    }
    List<ColumnDescriptor> refined = null;
    for (int i = 0; i < refinements.length; i++) {
      ColumnDescriptor column = columns.get(i);
      if (refinements[i] != Refinement.NONE && column instanceof ColumnDefinition d
          && (refinements[i] == Refinement.BOOLEAN ? mayBeBoolean(d.type()) : mayBeJson(d.type()))) {
        if (refined == null) {
          refined = new ArrayList<>(columns);
        }
        refined.set(i, new RefinedColumn(column, refinements[i]));
      }
    }
    return refined == null ? columns : refined;
  }

  private Future<Description> probe(String key, String database, String sql, List<DataType> nativeTypes) {
    Promise<Description> promise = Promise.promise();
    Future<Description> description = promise.future();
    vertx.executeBlocking(() -> metadata(database, sql), false).onComplete(
        refinements -> promise.complete(new Description(nativeTypes, refinements)),
        failure -> {
          if (isConnectionFailure(failure)) {
            // Not the statement's fault: forget the answer, so a later execution probes again.
            synchronized (cache) {
              cache.remove(key, description);
            }
            log.warn("could not describe a result through MariaDB Connector/J: {}", failure.getMessage());
          } else {
            log.debug("MariaDB Connector/J could not prepare the statement; keeping the native column types: {}",
                failure.getMessage());
          }
          promise.complete(new Description(nativeTypes, null));
        });
    return description;
  }

  /** Blocking: what Connector/J says about each column, on the probe connection, in {@code database}. */
  private Refinement[] metadata(String database, String sql) throws SQLException {
    synchronized (connectionLock) {
      try {
        return metadata(connection(database), sql);
      } catch (SQLException e) {
        if (!isConnectionFailure(e)) {
          throw e;
        }
        // A connection the server dropped while idle: one new try on a fresh one.
        closeConnection();
        return metadata(connection(database), sql);
      }
    }
  }

  /** The probe connection, using {@code database} (null: the URL's). */
  private Connection connection(String database) throws SQLException {
    Connection connection = connection();
    String wanted = database == null ? urlDatabase : database;
    if (wanted != null && !wanted.equals(catalog)) {
      connection.setCatalog(wanted);
      catalog = wanted;
    }
    return connection;
  }

  private static Refinement[] metadata(Connection connection, String sql) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      ResultSetMetaData meta = statement.getMetaData();
      if (meta == null) {
        return null;
      }
      Refinement[] refinements = new Refinement[meta.getColumnCount()];
      for (int i = 0; i < refinements.length; i++) {
        refinements[i] = refinement(meta, i + 1);
      }
      return refinements;
    }
  }

  /** TINYINT(1) and BIT(1) are what Connector/J reports as BOOLEAN; JSON is a type name from the server. */
  private static Refinement refinement(ResultSetMetaData meta, int column) throws SQLException {
    if (meta.getColumnType(column) == Types.BOOLEAN) {
      return Refinement.BOOLEAN;
    }
    String name = meta.getColumnTypeName(column);
    return name != null && name.toUpperCase(Locale.ROOT).equals("JSON") ? Refinement.JSON : Refinement.NONE;
  }

  private Connection connection() throws SQLException {
    if (closed) {
      throw new SQLNonTransientConnectionException("the column type probe is closed", "08003");
    }
    if (connection == null || connection.isClosed()) {
      connection = DriverManager.getConnection(url, credentials);
      catalog = connection.getCatalog();
      urlDatabase = urlDatabase == null ? catalog : urlDatabase;
    }
    return connection;
  }

  private static boolean isConnectionFailure(Throwable failure) {
    if (failure instanceof SQLNonTransientConnectionException || failure instanceof SQLTransientException) {
      return true;
    }
    return failure instanceof SQLException e && e.getSQLState() != null && e.getSQLState().startsWith("08");
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // Already gone.
      }
      connection = null;
    }
  }

  /** Vert.x closes: the connection is closed on a worker, as all blocking JDBC is. */
  private void close(Completable<Void> completion) {
    closed = true;
    vertx.executeBlocking(() -> {
      close();
      return null;
    }, false).onComplete(done -> completion.succeed());
  }

  /** Closes the probe connection; later probes fail, and the native types stand. */
  @Override
  public void close() {
    closed = true;
    synchronized (connectionLock) {
      closeConnection();
    }
  }

  @Override
  public String toString() {
    return "MySqlColumnTypes" + Arrays.asList(url.replaceAll("password=[^&]*", "password=***"));
  }
}

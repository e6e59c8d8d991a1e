package io.dbgateway.tck;

import io.dbgateway.testing.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.driver.mysql.MySqlColumnTypes;
import io.dbgateway.driver.mysql.MySqlColumnTypes.Refinement;
import io.dbgateway.driver.mysql.MySqlColumnTypes.RefinedColumn;
import io.dbgateway.testing.TestServers;
import io.dbgateway.testing.ThrowawayMariaDb;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.impl.datatype.DataType;
import io.vertx.mysqlclient.impl.protocol.ColumnDefinition;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The result metadata probe behind MariaDB's booleans and JSON columns, against a real MariaDB: what
 * it refines, that it asks once per SQL text, and that a failed probe keeps the native types.
 */
class MySqlColumnTypesTest {

  private static final int UTF8MB4 = 45;
  private static final int BINARY = 63;

  private static Vertx vertx;
  private static ThrowawayMariaDb mariadb;
  private static String table;

  @BeforeAll
  static void setUp() throws Exception {
    vertx = Vertx.vertx();
    mariadb = TestServers.mariadb();
    // The shared gateway migrates the test database on its first start, and Flyway wants it empty then.
    Engine.MARIADB.gateway();
    table = Engine.uniqueTable("types_probe");
    try (Connection c = mariadb.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + table + " (b BOOLEAN, t TINYINT(4), bit1 BIT(1), j JSON, txt LONGTEXT, n INT)");
    }
  }

  @AfterAll
  static void tearDown() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private static MySqlColumnTypes probe(int capacity) {
    return new MySqlColumnTypes(vertx, mariadb.jdbcUrl(), mariadb.user(), mariadb.password(), capacity);
  }

  private static ColumnDescriptor column(String name, DataType type, int charset) {
    return new ColumnDefinition(name, charset, type, 0);
  }

  /** The native description of {@code SELECT b, t, bit1, j, txt, n}, as vertx-mysql-client reports it. */
  private static List<ColumnDescriptor> nativeColumns() {
    return List.of(column("b", DataType.INT8, BINARY), column("t", DataType.INT8, BINARY),
        column("bit1", DataType.BIT, BINARY), column("j", DataType.LONG_TEXT, UTF8MB4),
        column("txt", DataType.LONG_TEXT, UTF8MB4), column("n", DataType.INT32, BINARY));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(30, TimeUnit.SECONDS);
  }

  private static Refinement refinement(ColumnDescriptor column) {
    return column instanceof RefinedColumn refined ? refined.refinement() : Refinement.NONE;
  }

  @Test
  void refinesBooleansAndJsonButNotTinyint4OrLongtext() throws Exception {
    MySqlColumnTypes types = probe(100);
    List<ColumnDescriptor> described = await(types.describe("SELECT b, t, bit1, j, txt, n FROM " + table, nativeColumns()));
    assertThat(described).extracting(MySqlColumnTypesTest::refinement).containsExactly(
        Refinement.BOOLEAN, Refinement.NONE, Refinement.BOOLEAN, Refinement.JSON, Refinement.NONE, Refinement.NONE);
    assertThat(described).extracting(ColumnDescriptor::name).containsExactly("b", "t", "bit1", "j", "txt", "n");
    types.close();
  }

  @Test
  void probesOncePerSqlText() throws Exception {
    MySqlColumnTypes types = probe(100);
    String sql = "SELECT b, t, bit1, j, txt, n FROM " + table + " WHERE n = ?";
    await(types.describe(sql, nativeColumns()));
    Future<List<ColumnDescriptor>> again = types.describe(sql, nativeColumns());
    assertThat(again.isComplete()).as("the second description comes from the cache, at once").isTrue();
    assertThat(refinement(again.result().get(0))).isEqualTo(Refinement.BOOLEAN);
    assertThat(types.cached()).isEqualTo(1);
    types.close();
  }

  @Test
  void doesNotProbeWhenNoColumnCouldBeBooleanOrJson() throws Exception {
    MySqlColumnTypes types = probe(100);
    List<ColumnDescriptor> columns = List.of(column("n", DataType.INT32, BINARY), column("v", DataType.VARSTRING, UTF8MB4));
    Future<List<ColumnDescriptor>> described = types.describe("SELECT n, v FROM nowhere", columns);
    assertThat(described.isComplete()).isTrue();
    assertThat(described.result()).isSameAs(columns);
    assertThat(types.cached()).isZero();
    types.close();
  }

  @Test
  void cacheIsBounded() throws Exception {
    MySqlColumnTypes types = probe(2);
    for (int i = 0; i < 5; i++) {
      await(types.describe("SELECT b, t, bit1, j, txt, n FROM " + table + " WHERE n = " + i, nativeColumns()));
    }
    assertThat(types.cached()).isEqualTo(2);
    types.close();
  }

  @Test
  void statementTheProbeCannotPrepareKeepsTheNativeTypes() throws Exception {
    MySqlColumnTypes types = probe(100);
    List<ColumnDescriptor> columns = nativeColumns();
    List<ColumnDescriptor> described = await(types.describe("SELECT b, t, bit1, j, txt, n FROM no_such_table", columns));
    assertThat(described).isEqualTo(columns);
    types.close();
  }

  @Test
  void unreachableServerKeepsTheNativeTypesAndIsNotCached() throws Exception {
    MySqlColumnTypes types = new MySqlColumnTypes(vertx, "jdbc:mariadb://127.0.0.1:" + FreePorts.take()
        + "/test?connectTimeout=1000", "nobody", "nothing", 100);
    List<ColumnDescriptor> columns = nativeColumns();
    assertThat(await(types.describe("SELECT b, t, bit1, j, txt, n FROM " + table, columns))).isEqualTo(columns);
    assertThat(types.cached()).as("a connection failure is not the statement's answer").isZero();
    types.close();
  }

  @Test
  void refinementNeverAppliesToAColumnOfAnotherNativeType() throws Exception {
    MySqlColumnTypes types = probe(100);
    // As if the table had changed between the execution and the probe: b is now text, j an integer.
    List<ColumnDescriptor> columns = List.of(column("b", DataType.VARSTRING, UTF8MB4), column("t", DataType.INT8, BINARY),
        column("bit1", DataType.BIT, BINARY), column("j", DataType.INT32, BINARY),
        column("txt", DataType.LONG_TEXT, UTF8MB4), column("n", DataType.INT32, BINARY));
    List<ColumnDescriptor> described = await(types.describe("SELECT b, t, bit1, j, txt, n FROM " + table, columns));
    assertThat(described).extracting(MySqlColumnTypesTest::refinement).containsExactly(
        Refinement.NONE, Refinement.NONE, Refinement.BOOLEAN, Refinement.NONE, Refinement.NONE, Refinement.NONE);
    types.close();
  }
}

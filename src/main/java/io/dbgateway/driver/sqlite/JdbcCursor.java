package io.dbgateway.driver.sqlite;

import io.dbgateway.driver.RowCursor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.impl.JDBCRow;
import io.vertx.jdbcclient.impl.actions.JDBCRowDesc;
import io.vertx.jdbcclient.spi.JDBCColumnDescriptorProvider;
import io.vertx.jdbcclient.spi.JDBCDecoder;
import io.vertx.jdbcclient.spi.JDBCDecoderImpl;
import io.vertx.jdbcclient.spi.JDBCEncoder;
import io.vertx.jdbcclient.spi.JDBCEncoderImpl;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A cursor over a JDBC {@link ResultSet}, for drivers whose Vert.x client has none (the JDBC client
 * reads a whole result at once). Each read runs on a worker thread and steps the result set at most
 * the rows asked for; SQLite computes rows as they are stepped. Values and columns are decoded by the
 * JDBC client's own decoder, so they match a result read the ordinary way: its internal {@code JDBCRow}
 * and {@code JDBCRowDesc}, since the public API decodes only whole results.
 */
final class JdbcCursor implements RowCursor {

  private static final JDBCEncoder ENCODER = new JDBCEncoderImpl();
  private static final JDBCDecoder DECODER = new JDBCDecoderImpl();

  private final Vertx vertx;
  private final Connection connection;
  private final String sql;
  private final Tuple params;
  private PreparedStatement statement;
  private ResultSet results;
  private JDBCColumnDescriptorProvider provider;
  private JDBCRowDesc desc;
  private boolean exhausted;

  JdbcCursor(Vertx vertx, Connection connection, String sql, Tuple params) {
    this.vertx = vertx;
    this.connection = connection;
    this.sql = sql;
    this.params = params;
  }

  @Override
  public Future<Chunk> read(int count) {
    return vertx.executeBlocking(() -> step(count), false);
  }

  private Chunk step(int count) throws SQLException {
    if (statement == null) {
      execute();
    }
    List<Row> rows = new ArrayList<>(Math.min(count, 4096));
    int columns = desc.columnDescriptor().size();
    while (!exhausted && rows.size() < count) {
      if (results.next()) {
        JDBCRow row = new JDBCRow(desc);
        for (int i = 1; i <= columns; i++) {
          row.addValue(DECODER.parse(results, i, provider));
        }
        rows.add(row);
      } else {
        exhausted = true;
      }
    }
    return new Chunk(desc.columnDescriptor(), rows, !exhausted);
  }

  private void execute() throws SQLException {
    statement = connection.prepareStatement(sql);
    JDBCColumnDescriptorProvider parameters =
        JDBCColumnDescriptorProvider.fromParameterMetaData(statement.getParameterMetaData());
    for (int i = 1; i <= params.size(); i++) {
      statement.setObject(i, ENCODER.encode(params, i, parameters));
    }
    if (statement.execute()) {
      results = statement.getResultSet();
      provider = JDBCColumnDescriptorProvider.fromResultMetaData(results.getMetaData());
      desc = new JDBCRowDesc(provider, results.getMetaData().getColumnCount());
    } else {
      desc = new JDBCRowDesc(new ColumnDescriptor[0]);
      exhausted = true;
    }
  }

  @Override
  public Future<Void> close() {
    return vertx.executeBlocking(() -> {
      try (PreparedStatement closing = statement; ResultSet rows = results) {
        return null;
      }
    }, false);
  }
}

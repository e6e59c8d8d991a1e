package io.dbgateway.db;

import io.dbgateway.api.Column;
import io.dbgateway.api.ResultFormat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.desc.ColumnDescriptor;
import java.util.ArrayList;
import java.util.List;

/** A result's columns and rows as the contract's JSON, through the dialect's type mapping. */
final class RowJson {

  private final Dialect dialect;

  RowJson(Dialect dialect) {
    this.dialect = dialect;
  }

  /** The columns, named and typed in the one vocabulary (JDBC type names). */
  List<Column> columns(List<ColumnDescriptor> descriptors) {
    List<Column> columns = new ArrayList<>(descriptors.size());
    for (ColumnDescriptor d : descriptors) {
      columns.add(new Column(d.name(), dialect.columnType(d)));
    }
    return columns;
  }

  /** One row: a JSON object by column name, or a JSON array in column order. */
  Object row(Row row, List<ColumnDescriptor> columns, ResultFormat format) {
    if (format == ResultFormat.ARRAYS) {
      JsonArray json = new JsonArray(new ArrayList<>(columns.size()));
      for (int i = 0; i < columns.size(); i++) {
        json.add(dialect.toJson(row.getValue(i), columns.get(i)));
      }
      return json;
    }
    JsonObject json = new JsonObject();
    for (int i = 0; i < columns.size(); i++) {
      json.put(columns.get(i).name(), dialect.toJson(row.getValue(i), columns.get(i)));
    }
    return json;
  }
}

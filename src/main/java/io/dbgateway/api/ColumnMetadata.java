package io.dbgateway.api;

import io.vertx.core.json.JsonObject;

/**
 * What an engine's driver tells about a result column beyond its name and JDBC type, in JDBC's terms
 * ({@link java.sql.ResultSetMetaData}). Where a driver cannot tell, the value says so: {@code nullable}
 * is {@link #NULLABLE_UNKNOWN}, {@code precision} and {@code scale} are 0, names are empty.
 *
 * @param typeName the engine's own name of the type, such as {@code int4} or {@code VARCHAR}
 * @param nullable {@link #NO_NULLS}, {@link #NULLABLE} or {@link #NULLABLE_UNKNOWN}
 * @param arrayBaseType the JDBC type name of an array's elements, or null for a column that is no array
 */
public record ColumnMetadata(String typeName, int nullable, int precision, int scale, boolean signed,
    boolean autoIncrement, boolean caseSensitive, boolean currency, String schemaName, String tableName,
    String arrayBaseType) {

  public static final int NO_NULLS = java.sql.ResultSetMetaData.columnNoNulls;
  public static final int NULLABLE = java.sql.ResultSetMetaData.columnNullable;
  public static final int NULLABLE_UNKNOWN = java.sql.ResultSetMetaData.columnNullableUnknown;

  public JsonObject toJson() {
    return new JsonObject()
        .put("typeName", typeName)
        .put("nullable", nullable)
        .put("precision", precision)
        .put("scale", scale)
        .put("signed", signed)
        .put("autoIncrement", autoIncrement)
        .put("caseSensitive", caseSensitive)
        .put("currency", currency)
        .put("schemaName", schemaName)
        .put("tableName", tableName)
        .put("arrayBaseType", arrayBaseType);
  }
}

package io.dbgateway.api;

/**
 * One SQL statement and its parameters.
 *
 * @param params a {@code JsonArray} for {@code ?} placeholders, a {@code JsonObject} for {@code :name}
 *     placeholders, or null
 * @param paramTypes the declared types of some parameters ({@link ParamTypes#NONE} for none)
 */
public record Statement(String sql, Object params, ParamTypes paramTypes) {

  public Statement(String sql, Object params) {
    this(sql, params, ParamTypes.NONE);
  }

  public Statement {
    paramTypes = paramTypes == null ? ParamTypes.NONE : paramTypes;
  }
}

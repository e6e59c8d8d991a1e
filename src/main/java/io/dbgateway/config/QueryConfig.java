package io.dbgateway.config;

/**
 * Defaults and ceilings for one statement.
 *
 * @param defaultMaxRows rows returned when a request names no {@code maxRows}
 * @param maxRowsLimit the largest {@code maxRows} a request may ask for
 * @param defaultTimeoutMs the statement timeout when a request names no {@code timeoutMs}
 * @param maxTimeoutMs the largest {@code timeoutMs} a request may ask for
 * @param maxStatements the most statements in one atomic transaction, or parameter sets in one batch
 * @param streamFetchRows rows a streamed query reads from its cursor at a time
 */
public record QueryConfig(
    int defaultMaxRows, int maxRowsLimit, long defaultTimeoutMs, long maxTimeoutMs, int maxStatements,
    int streamFetchRows) {

  /** The default of {@code GATEWAY_QUERY_STREAM_FETCH_ROWS}. */
  public static final int DEFAULT_STREAM_FETCH_ROWS = 1000;

  /** Limits with the default stream fetch size. */
  public QueryConfig(int defaultMaxRows, int maxRowsLimit, long defaultTimeoutMs, long maxTimeoutMs, int maxStatements) {
    this(defaultMaxRows, maxRowsLimit, defaultTimeoutMs, maxTimeoutMs, maxStatements, DEFAULT_STREAM_FETCH_ROWS);
  }
}

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
 * @param maxResultBytes the most bytes of row values one buffered (not streamed) answer may hold
 */
public record QueryConfig(
    int defaultMaxRows, int maxRowsLimit, long defaultTimeoutMs, long maxTimeoutMs, int maxStatements,
    int streamFetchRows, long maxResultBytes) {

  /** The default of {@code GATEWAY_QUERY_MAX_RESULT_BYTES}: 16 MiB. */
  public static final long DEFAULT_MAX_RESULT_BYTES = 16L * 1024 * 1024;

  /** The default of {@code GATEWAY_QUERY_STREAM_FETCH_ROWS}. */
  public static final int DEFAULT_STREAM_FETCH_ROWS = 1000;

  /** Limits with the default stream fetch size. */
  public QueryConfig(int defaultMaxRows, int maxRowsLimit, long defaultTimeoutMs, long maxTimeoutMs, int maxStatements) {
    this(defaultMaxRows, maxRowsLimit, defaultTimeoutMs, maxTimeoutMs, maxStatements, DEFAULT_STREAM_FETCH_ROWS,
        DEFAULT_MAX_RESULT_BYTES);
  }
}

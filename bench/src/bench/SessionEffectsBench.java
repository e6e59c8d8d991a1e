package bench;

import io.dbgateway.sql.SessionEffects;
import io.dbgateway.sql.SqlSyntax;

/**
 * What reading a statement for session changes costs (issue #11): SessionEffects.mayChangeSession on the
 * bench's statements, in ns per call, after a warm-up. Run by bench/session-reset.sh.
 */
public final class SessionEffectsBench {

  public static void main(String[] args) {
    String[] statements = {
        "SELECT abalance FROM pgbench_accounts WHERE aid = $1",
        "INSERT INTO bench_mixed (k, v) VALUES ($1, $2)",
        "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2",
    };
    long sink = 0;
    for (int i = 0; i < 3_000_000; i++) {
      sink += SessionEffects.mayChangeSession(statements[i % 3], SqlSyntax.POSTGRESQL) ? 1 : 0;
    }
    for (String sql : statements) {
      int n = 5_000_000;
      long best = Long.MAX_VALUE;
      for (int round = 0; round < 5; round++) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          sink += SessionEffects.mayChangeSession(sql, SqlSyntax.POSTGRESQL) ? 1 : 0;
        }
        best = Math.min(best, System.nanoTime() - start);
      }
      System.out.printf("LEXICAL %.0f ns %s%n", (double) best / n, sql);
    }
    if (sink != 0) {
      throw new AssertionError("a bench statement was read as changing the session");
    }
  }
}

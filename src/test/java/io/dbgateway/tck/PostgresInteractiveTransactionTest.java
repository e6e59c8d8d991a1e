package io.dbgateway.tck;

class PostgresInteractiveTransactionTest extends InteractiveTransactionTck {

  @Override
  protected Engine engine() {
    return Engine.POSTGRESQL;
  }

  @Override
  protected boolean failedStatementAbortsTransaction() {
    return true;
  }
}

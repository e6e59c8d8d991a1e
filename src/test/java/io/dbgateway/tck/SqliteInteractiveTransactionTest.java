package io.dbgateway.tck;

class SqliteInteractiveTransactionTest extends InteractiveTransactionTck {

  @Override
  protected Engine engine() {
    return Engine.SQLITE;
  }

  @Override
  protected boolean failedStatementAbortsTransaction() {
    return false;
  }
}

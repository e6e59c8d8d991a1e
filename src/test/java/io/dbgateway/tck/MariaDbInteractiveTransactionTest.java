package io.dbgateway.tck;

class MariaDbInteractiveTransactionTest extends InteractiveTransactionTck {

  @Override
  protected Engine engine() {
    return Engine.MARIADB;
  }

  @Override
  protected boolean failedStatementAbortsTransaction() {
    return false;
  }
}

package io.dbgateway.tck;

class GaleraInteractiveTransactionTest extends InteractiveTransactionTck {

  @Override
  protected Engine engine() {
    return Engine.GALERA;
  }

  @Override
  protected boolean failedStatementAbortsTransaction() {
    return false;
  }
}

package io.dbgateway.tck;

class GaleraNamedQueryTest extends NamedQueryTck {

  @Override
  protected Engine engine() {
    return Engine.GALERA;
  }
}

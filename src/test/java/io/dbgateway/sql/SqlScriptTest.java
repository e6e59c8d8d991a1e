package io.dbgateway.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Cutting SQL text into statements where the database would, and nowhere else. */
class SqlScriptTest {

  @Test
  void semicolonsOutsideLiteralsAndCommentsEndStatements() {
    assertThat(SqlScript.statements("DROP SCHEMA IF EXISTS foo CASCADE; CREATE SCHEMA foo;", SqlSyntax.POSTGRESQL))
        .containsExactly("DROP SCHEMA IF EXISTS foo CASCADE", "CREATE SCHEMA foo");
    assertThat(SqlScript.statements("SELECT 1", SqlSyntax.MYSQL)).containsExactly("SELECT 1");
    assertThat(SqlScript.statements("SELECT 1;", SqlSyntax.SQLITE)).containsExactly("SELECT 1");
  }

  @Test
  void emptyStatementsAndCommentsAloneAreNotStatements() {
    assertThat(SqlScript.statements(" ; ;SELECT 1;; -- done; really\n", SqlSyntax.POSTGRESQL)).containsExactly("SELECT 1");
    assertThat(SqlScript.statements("/* a; b */", SqlSyntax.SQLITE)).isEmpty();
  }

  @Test
  void semicolonsInsideStringsIdentifiersCommentsAndDollarQuotesEndNothing() {
    String pg = "INSERT INTO \"a;b\" VALUES ('x;y', E'\\';z') /* c; d */; "
        + "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql";
    assertThat(SqlScript.statements(pg, SqlSyntax.POSTGRESQL)).hasSize(2);
    String mysql = "INSERT INTO `a;b` VALUES (\"x;y\", 'it\\'s;'); # note; here\nSELECT 2";
    assertThat(SqlScript.statements(mysql, SqlSyntax.MYSQL)).hasSize(2);
  }

  @Test
  void routineAndTriggerBodiesAreOneStatement() {
    String trigger = "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE b SET n = n + 1;"
        + " UPDATE c SET m = CASE WHEN m > 1 THEN 0 ELSE m END; END; SELECT 1";
    assertThat(SqlScript.statements(trigger, SqlSyntax.SQLITE)).hasSize(2)
        .last().isEqualTo("SELECT 1");
    String atomic = "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END; SELECT g()";
    assertThat(SqlScript.statements(atomic, SqlSyntax.POSTGRESQL)).hasSize(2);
    String procedure = "CREATE PROCEDURE p() BEGIN IF 1 THEN SELECT 1; END IF; WHILE 0 DO SELECT 2; END WHILE;"
        + " CASE WHEN 1 THEN SELECT 3; END CASE; END; CALL p()";
    assertThat(SqlScript.statements(procedure, SqlSyntax.MYSQL)).hasSize(2)
        .last().isEqualTo("CALL p()");
  }

  @Test
  void aTransactionsOwnBeginIsAStatementNotABlock() {
    assertThat(SqlScript.statements("BEGIN; UPDATE a SET n = 1; COMMIT", SqlSyntax.POSTGRESQL)).hasSize(3);
    assertThat(SqlScript.statements("SELECT CASE WHEN 1 THEN 2 END; SELECT 3", SqlSyntax.MYSQL)).hasSize(2);
  }
}

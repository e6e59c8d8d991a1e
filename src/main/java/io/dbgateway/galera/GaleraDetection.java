package io.dbgateway.galera;

import java.sql.Connection;
import java.sql.SQLException;

/** Whether the server start-up reached is a Galera node, asked once before routing is chosen. */
public final class GaleraDetection {

  private GaleraDetection() {}

  /** Galera announces itself with {@code @@wsrep_on}; MySQL has no such variable. */
  public static boolean wsrepOn(Connection connection) {
    try (var statement = connection.createStatement(); var rs = statement.executeQuery("SELECT @@wsrep_on")) {
      return rs.next() && (rs.getInt(1) == 1 || "ON".equalsIgnoreCase(rs.getString(1)));
    } catch (SQLException e) {
      return false;
    }
  }
}

package io.dbgateway.auth;

import io.dbgateway.api.Addresses;
import io.dbgateway.error.EngineErrors;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.Failures;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.dbgateway.sql.ReadOnlyGuard;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * What each role may do, checked in {@code operations.Operations}, which every adapter calls (HTTP and the
 * Data API directly, the bus consumers and so the TCP bridge from the event bus). A READ
 * caller's units all run in transactions the database keeps read-only; a NAMED caller may run named
 * queries and nothing else (it cannot begin transactions either).
 */
public final class RoleRules {

  /** The operations a READ caller may use, each forced read-only. */
  private static final Set<String> FORCED_READ_ONLY =
      Set.of(Addresses.QUERY, Addresses.BATCH, Addresses.TRANSACTION, Addresses.TX_BEGIN);

  private RoleRules() {}

  /**
   * The body {@code caller} may send to {@code address}: unchanged, or with {@code readOnly} forced on.
   *
   * @throws GatewayException 403 {@code FORBIDDEN} when the caller's role does not allow the operation
   */
  public static JsonObject admit(Caller caller, String address, JsonObject body) {
    return switch (caller.role()) {
      case WRITE -> body;
      case READ -> FORCED_READ_ONLY.contains(address) ? body.copy().put("readOnly", true) : body;
      case NAMED -> {
        if (!address.equals(Addresses.NAMED)) {
          throw GatewayException.of(ErrorCode.FORBIDDEN, "the key '" + caller.keyId()
              + "' may run named queries only (POST /v1/queries/{name}, " + Addresses.NAMED + ")");
        }
        yield body;
      }
    };
  }

  /**
   * A READ caller may run a named query only if the query is read-only.
   *
   * @throws GatewayException 403 {@code FORBIDDEN} otherwise
   */
  public static void requireMayRun(Caller caller, String queryName, boolean queryReadOnly) {
    if (caller.role() == Role.READ && !queryReadOnly) {
      throw GatewayException.of(ErrorCode.FORBIDDEN, "the key '" + caller.keyId()
          + "' is read-only and the named query '" + queryName + "' is not");
    }
  }

  /** The SQLSTATE every engine reports when a read-only transaction refuses a statement. */
  private static final String READ_ONLY_VIOLATION = "25006";

  /**
   * A READ caller may not send the statements {@code guard} refuses: those that would end or change its
   * read-only transaction, or change the session the pooled connection keeps for the next caller.
   *
   * @throws GatewayException 403 {@code FORBIDDEN}, with the statement's index in a transaction
   */
  public static void requireReadOnlySql(Caller caller, JsonObject body, ReadOnlyGuard guard) {
    if (caller.role() != Role.READ) {
      return;
    }
    refuse(caller, body.getValue("sql"), null, guard);
    if (body.getValue("statements") instanceof JsonArray statements) {
      for (int i = 0; i < statements.size(); i++) {
        if (statements.getValue(i) instanceof JsonObject statement) {
          refuse(caller, statement.getValue("sql"), i, guard);
        }
      }
    }
  }

  private static void refuse(Caller caller, Object sql, Integer index, ReadOnlyGuard guard) {
    if (sql instanceof String text) {
      guard.refusal(text).ifPresent(command -> {
        throw new GatewayException(Problem.of(ErrorCode.FORBIDDEN, "the key '" + caller.keyId() + "' is read-only, and "
            + command + " would end or change its read-only transaction, or change the session").withStatementIndex(index));
      });
    }
  }

  /**
   * The problem {@code caller} gets: the database's own refusal of a write in a read-only transaction,
   * or of a privilege the read-only login ({@code DB_READ_USER}) lacks, is a 403 for a READ caller, whose
   * role it enforces. A caller who asked for {@code readOnly} itself keeps the database's answer (400
   * {@code SQL_ERROR}, SQLSTATE 25006).
   */
  public static Problem forCaller(Caller caller, Problem problem, EngineErrors engine) {
    if (caller.role() != Role.READ
        || !READ_ONLY_VIOLATION.equals(problem.sqlState()) && !Failures.isPermissionDenied(engine, problem)) {
      return problem;
    }
    return new Problem(ErrorCode.FORBIDDEN, "the key '" + caller.keyId() + "' is read-only: " + problem.detail(),
        problem.sqlState(), problem.dbCode(), problem.statementIndex(), false, null);
  }
}

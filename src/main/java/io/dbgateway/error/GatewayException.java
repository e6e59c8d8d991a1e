package io.dbgateway.error;

import io.vertx.core.json.JsonObject;

/**
 * The one error type of the gateway. It carries everything a problem+json body needs, and never a
 * stack trace to the client.
 */
public final class GatewayException extends RuntimeException {

  private final Problem problem;

  public GatewayException(Problem problem) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
  }

  public GatewayException(Problem problem, Throwable cause) {
    super(problem.detail(), cause, false, true);
    this.problem = problem;
  }

  public static GatewayException of(ErrorCode code, String detail) {
    return new GatewayException(Problem.of(code, detail));
  }

  public static GatewayException badRequest(String detail) {
    return of(ErrorCode.BAD_REQUEST, detail);
  }

  public Problem problem() {
    return problem;
  }

  public ErrorCode code() {
    return problem.code();
  }

  public JsonObject toJson() {
    return problem.toJson();
  }
}

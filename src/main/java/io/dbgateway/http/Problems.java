package io.dbgateway.http;

import io.dbgateway.error.Problem;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiConsumer;

/** How a {@link Problem} goes out over HTTP ({@link Problem#fromBus} makes one of an event-bus failure). */
public final class Problems {

  public static final String PROBLEM_JSON = "application/problem+json";

  private static final String WRITER = "dbgateway.problemWriter";

  private Problems() {}

  /**
   * Answers this request's problems with {@code writer} instead of problem+json, whoever reports them
   * (authentication, the body limit, the operation): for adapters that speak another protocol's errors.
   */
  public static void useWriter(RoutingContext ctx, BiConsumer<RoutingContext, Problem> writer) {
    ctx.put(WRITER, writer);
  }

  /** Answers {@code problem} as problem+json, with {@code Retry-After} when it has one. */
  public static void send(RoutingContext ctx, Problem problem) {
    if (ctx.response().ended()) {
      return;
    }
    BiConsumer<RoutingContext, Problem> writer = ctx.get(WRITER);
    if (writer != null) {
      writer.accept(ctx, problem);
      return;
    }
    send(ctx, problem, problem.status(), new JsonObject());
  }

  /**
   * Answers {@code problem}, then closes the connection: for a request whose body is not read (and so
   * cannot be told from the next request on the connection). Vert.x keeps a connection alive whatever
   * the answer's own {@code Connection} header says, so it is closed here.
   */
  public static void sendAndClose(RoutingContext ctx, Problem problem) {
    closeAfterAnswer(ctx);
    send(ctx, problem);
  }

  /** Closes the request's connection once its answer is written, and says so in the answer. */
  public static void closeAfterAnswer(RoutingContext ctx) {
    ConnectionGuard.closeAfterAnswer(ctx);
  }

  /** Answers {@code problem} as problem+json with this status, its body extended with {@code extra}. */
  public static void send(RoutingContext ctx, Problem problem, int status, JsonObject extra) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", PROBLEM_JSON);
    if (problem.retryAfterSeconds() != null) {
      ctx.response().putHeader("Retry-After", Integer.toString(problem.retryAfterSeconds()));
    }
    JsonObject body = problem.toJson();
    body.remove("retryAfter");
    ctx.response().end(body.mergeIn(extra).toBuffer());
  }

}

package bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * The floor: the least a Vert.x HTTP service can do for the point select, to compare the gateway's CPU
 * per request with. One verticle per core, each with its own pool on its own event loop (the gateway's
 * lanes), epoll, the same request body ({@code {"sql": ..., "params": [aid]}}, parsed as JSON) and a
 * JSON answer of the rows; no router, authentication, metrics, access log, breaker, retries or
 * deadlines. It answers any POST.
 *
 * <p>System properties: {@code port}, {@code pg.port}, {@code pool.size} (the whole pool, shared out
 * among the cores as the gateway does).
 */
public final class FloorServer extends VerticleBase {

  private static final String SQL = "SELECT abalance FROM pgbench_accounts WHERE aid = $1";

  private Pool pool;

  @Override
  public Future<?> start() {
    int cores = Runtime.getRuntime().availableProcessors();
    int size = Math.max(1, Integer.getInteger("pool.size", 16) / cores);
    pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setEventLoopSize(0))
        .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(Integer.getInteger("pg.port", 5432))
            .setDatabase("postgres").setUser("postgres").setCachePreparedStatements(true))
        .using(vertx)
        .build();
    return vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      long aid = body.toJsonObject().getJsonArray("params").getLong(0);
      pool.getConnection()
          .compose(conn -> conn.preparedQuery(SQL).execute(Tuple.of(aid)).andThen(done -> conn.close()))
          .onComplete(rows -> {
            JsonArray out = new JsonArray();
            for (Row row : rows) {
              out.add(new JsonObject().put("abalance", row.getValue(0)));
            }
            request.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("rows", out).toBuffer());
          }, failure -> request.response().setStatusCode(500).end(String.valueOf(failure.getMessage())));
    })).listen(Integer.getInteger("port", 8080), "127.0.0.1");
  }

  public static void main(String[] args) {
    int cores = Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(cores).setPreferNativeTransport(true));
    vertx.deployVerticle(FloorServer::new, new DeploymentOptions().setInstances(cores))
        .onSuccess(id -> System.out.println("READY"))
        .onFailure(failure -> {
          System.err.println("the floor server did not start: " + failure);
          System.exit(1);
        });
  }
}

package io.dbgateway.bus;

import io.dbgateway.api.Addresses;
import io.dbgateway.db.SqlExecutor;
import io.dbgateway.auth.BusCallers;
import io.dbgateway.cluster.TransactionOwners;
import io.dbgateway.auth.Caller;
import io.dbgateway.error.GatewayException;
import io.dbgateway.logging.LogContext;
import io.dbgateway.logging.RequestId;
import io.dbgateway.operations.Operations;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * The event-bus adapter: serves every operation at its {@code dbgateway.*} address, for verticles in the
 * gateway's JVM and for TCP-bridge clients. Like every adapter, it hands the work to {@link Operations};
 * HTTP calls the same service directly, without crossing the bus.
 */
public final class DatabaseVerticle extends VerticleBase {

  /**
   * Replies go out with {@link ReplyCodec}: the reply is made for this one message and never touched
   * again, so a local receiver may have it as it is, without the deep copy that Vert.x's own JsonObject
   * codec makes on every local delivery.
   */
  private static final DeliveryOptions REPLAYED = new DeliveryOptions().setCodecName(ReplyCodec.NAME)
      .addHeader(Addresses.REPLAYED_HEADER, "true");
  private static final DeliveryOptions NOT_REPLAYED = new DeliveryOptions().setCodecName(ReplyCodec.NAME);

  /** In cluster mode: a reply may go to another member, which knows only Vert.x's own codecs. */
  private static final DeliveryOptions REPLAYED_CLUSTERED = new DeliveryOptions().addHeader(Addresses.REPLAYED_HEADER, "true");
  private static final DeliveryOptions NOT_REPLAYED_CLUSTERED = new DeliveryOptions();

  private final Operations operations;
  private final BusCallers callers;
  private final DeliveryOptions replayed;
  private final DeliveryOptions notReplayed;

  /** This instance's address for operations on its transactions sent by other instances; null when single. */
  private final String ownerAddress;

  /**
   * @param callers who sent each message: its API key, or in a single instance its role headers
   * @param ownerAddress in cluster mode, this instance's own address for operations that other instances
   *     forward to the transactions it owns ({@code cluster.TransactionOwners}); null otherwise
   */
  public DatabaseVerticle(Operations operations, BusCallers callers, String ownerAddress) {
    this.operations = operations;
    this.callers = callers;
    this.ownerAddress = ownerAddress;
    this.replayed = ownerAddress != null ? REPLAYED_CLUSTERED : REPLAYED;
    this.notReplayed = ownerAddress != null ? NOT_REPLAYED_CLUSTERED : NOT_REPLAYED;
  }

  /** Registers the reply codec on {@code vertx}'s event bus before the first instance starts; once is enough. */
  public static void registerCodec(io.vertx.core.Vertx vertx) {
    try {
      vertx.eventBus().registerCodec(new ReplyCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // a gateway deployed again on the same Vert.x: the codec is there already
    }
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    var consumers = new java.util.ArrayList<Future<Void>>();
    for (String address : operations.addresses()) {
      consumers.add(bus.<JsonObject>consumer(address, message -> serve(message, message.address())).completion());
    }
    if (ownerAddress != null) {
      consumers.add(bus.<JsonObject>consumer(ownerAddress, message -> serve(message,
          message.headers().get(TransactionOwners.OPERATION_HEADER))).completion());
    }
    return Future.all(consumers);
  }

  /** Runs the message's operation as the caller its headers name, and replies with its result or problem. */
  private void serve(Message<JsonObject> message, String address) {
    Caller caller;
    try {
      caller = callers.of(message.headers());
    } catch (GatewayException e) {
      message.fail(e.problem().status(), e.problem().toJson().encode());
      return;
    }
    LogContext.enter(RequestId.accept(message.headers().get(RequestId.BUS_HEADER)), caller.keyId());
    Future<SqlExecutor.Outcome> result;
    try {
      result = operations.run(address, message.body(), caller);
    } catch (RuntimeException e) { // a body that is not a JsonObject
      result = operations.finish(address, caller, System.nanoTime(), Future.failedFuture(e));
    }
    result.onComplete(
        outcome -> message.reply(outcome.body(), outcome.replayed() ? replayed : notReplayed),
        failure -> {
          var problem = ((GatewayException) failure).problem();
          message.fail(problem.status(), problem.toJson().encode());
        });
  }

  /** A reply's JSON: handed over as it is to a receiver in this JVM, sent as JSON text to any other. */
  static final class ReplyCodec implements io.vertx.core.eventbus.MessageCodec<JsonObject, JsonObject> {
    static final String NAME = "dbgateway.reply";

    /** As Vert.x's own JsonObject codec frames it: the length, then the JSON text. */
    @Override
    public void encodeToWire(io.vertx.core.buffer.Buffer buffer, JsonObject json) {
      io.vertx.core.buffer.Buffer encoded = json.toBuffer();
      buffer.appendInt(encoded.length()).appendBuffer(encoded);
    }

    @Override
    public JsonObject decodeFromWire(int pos, io.vertx.core.buffer.Buffer buffer) {
      int length = buffer.getInt(pos);
      return new JsonObject(buffer.slice(pos + 4, pos + 4 + length));
    }

    @Override
    public JsonObject transform(JsonObject json) {
      return json;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}

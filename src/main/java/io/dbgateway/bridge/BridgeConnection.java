package io.dbgateway.bridge;

import io.dbgateway.api.Addresses;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.error.Problem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client of the TCP event-bus bridge: reads its frames (a 4-byte big-endian length, then that many
 * bytes of UTF-8 JSON), never more than {@code maxFrameBytes} of one, and answers each, in the wire
 * format of vertx-tcp-eventbus-bridge. A frame announced larger than the limit is answered with a 413
 * error frame before any of it is read, and the connection is closed.
 *
 * <p>What each frame may do: a {@code send} to an operation address runs the operation as the frame's
 * key ({@link BridgeGuard}) and, with a {@code replyAddress}, answers its reply or an {@code err} frame
 * whose {@code failureCode} is the HTTP status and whose {@code message} is the problem; a send anywhere
 * else, {@code register} and {@code unregister} are {@code access_denied} (nothing is delivered to bridge
 * clients but the replies to their own requests); a {@code publish} is refused (it would run the operation
 * once per database verticle instance); {@code ping} answers {@code pong}.
 */
final class BridgeConnection {

  private static final Logger log = LoggerFactory.getLogger(BridgeConnection.class);
  private static final int LENGTH_BYTES = 4;

  private final NetSocket socket;
  private final EventBus bus;
  private final BridgeGuard guard;
  private final int maxFrameBytes;
  private final RecordParser parser;
  private boolean readingLength = true;

  private BridgeConnection(NetSocket socket, EventBus bus, BridgeGuard guard, int maxFrameBytes) {
    this.socket = socket;
    this.bus = bus;
    this.guard = guard;
    this.maxFrameBytes = maxFrameBytes;
    this.parser = RecordParser.newFixed(LENGTH_BYTES, this::record);
  }

  /** Serves {@code socket} until it closes. */
  static void serve(NetSocket socket, EventBus bus, BridgeGuard guard, int maxFrameBytes) {
    BridgeConnection connection = new BridgeConnection(socket, bus, guard, maxFrameBytes);
    socket.handler(connection.parser);
    socket.exceptionHandler(failure -> {
      log.debug("bridge connection from {} failed: {}", socket.remoteAddress(), failure.getMessage());
      socket.close();
    });
  }

  /** A length prefix, then the frame it announced, in turn. */
  private void record(Buffer record) {
    if (readingLength) {
      long length = record.getUnsignedInt(0);
      if (length == 0 || length > maxFrameBytes) {
        tooLarge(length);
        return;
      }
      readingLength = false;
      parser.fixedSizeMode((int) length);
      return;
    }
    readingLength = true;
    parser.fixedSizeMode(LENGTH_BYTES);
    JsonObject frame;
    try {
      frame = io.dbgateway.api.StrictJson.object(record);
    } catch (GatewayException e) {
      // not JSON, not an object, or a member named twice: one frame must mean one thing
      writeErr(e.problem().detail().contains("twice") ? "duplicate_member: " + e.problem().detail() : "invalid_json");
      return;
    }
    frame(frame);
  }

  private void tooLarge(long length) {
    String detail = length == 0 ? "a frame must hold a JSON object; this one announced 0 bytes"
        : "the frame announced " + length + " bytes, more than the " + maxFrameBytes
            + " a frame may have (GATEWAY_HTTP_MAX_BODY_BYTES); the connection is closed";
    Problem problem = Problem.of(length == 0 ? ErrorCode.BAD_REQUEST : ErrorCode.TOO_LARGE, detail);
    log.info("bridge closed the connection from {}: {}", socket.remoteAddress(), detail);
    socket.pause();
    write(new JsonObject().put("type", "err").put("failureCode", problem.status())
        .put("failureType", ReplyFailure.RECIPIENT_FAILURE.name()).put("message", problem.toJson().encode()))
        .onComplete(written -> socket.close());
  }

  private void frame(JsonObject frame) {
    String type = frame.getValue("type") instanceof String t ? t : "message";
    String address = frame.getValue("address") instanceof String a ? a : null;
    if (type.equals("ping")) {
      write(new JsonObject().put("type", "pong"));
      return;
    }
    if (address == null) {
      writeErr("missing_address");
      return;
    }
    switch (type) {
      case "send" -> send(frame, address);
      case "publish" -> writeErr("blocked by bridgeEvent handler");
      case "register", "unregister" -> writeErr("access_denied");
      default -> writeErr("unknown_type");
    }
  }

  private void send(JsonObject frame, String address) {
    if (!Addresses.OPERATIONS.contains(address)) {
      writeErr("access_denied");
      return;
    }
    String replyAddress = frame.getValue("replyAddress") instanceof String r ? r : null;
    DeliveryOptions delivery;
    try {
      delivery = guard.admit(frame);
    } catch (GatewayException e) {
      refuse(frame, address, replyAddress, e.problem());
      return;
    }
    Object body = frame.getValue("body");
    if (replyAddress == null) {
      bus.send(address, body, delivery);
      return;
    }
    bus.<Object>request(address, body, delivery).onComplete(replied -> {
      if (replied.succeeded()) {
        write(reply(replyAddress, replied.result()));
      } else if (replied.cause() instanceof ReplyException failure) {
        write(err(address, replyAddress, failure.failureCode(), failure.failureType(), failure.getMessage()));
      } else {
        write(err(address, replyAddress, -1, ReplyFailure.ERROR, String.valueOf(replied.cause().getMessage())));
      }
    });
  }

  private static JsonObject reply(String replyAddress, Message<Object> reply) {
    JsonObject headers = new JsonObject();
    reply.headers().forEach(header -> headers.put(header.getKey(), header.getValue()));
    return new JsonObject().put("type", "message").put("address", replyAddress).put("headers", headers)
        .put("body", reply.body()).put("send", true);
  }

  /** A frame the guard refused, answered like any failed operation. */
  private void refuse(JsonObject frame, String address, String replyAddress, Problem problem) {
    log.info("bridge refused a frame from {} for {}: {} {}", socket.remoteAddress(), address, problem.code(),
        problem.detail());
    write(err(address, replyAddress, problem.status(), ReplyFailure.RECIPIENT_FAILURE, problem.toJson().encode()));
  }

  private static JsonObject err(String address, String replyAddress, int code, ReplyFailure type, String message) {
    JsonObject err = new JsonObject().put("type", "err");
    if (replyAddress != null) {
      err.put("address", replyAddress);
    }
    return err.put("sourceAddress", address).put("failureCode", code).put("failureType", type.name())
        .put("message", message);
  }

  private void writeErr(String message) {
    write(new JsonObject().put("type", "err").put("message", message));
  }

  private io.vertx.core.Future<Void> write(JsonObject frame) {
    Buffer json = frame.toBuffer();
    return socket.write(Buffer.buffer(json.length() + LENGTH_BYTES).appendInt(json.length()).appendBuffer(json));
  }
}

package io.dbgateway.logging;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The id that ties together every log line of one request. A client may name it in
 * {@code X-Request-Id}; on the event bus it travels in the {@code dbgateway-request-id} header, next to
 * the caller's headers. Only a short, plain value is taken as given, so a client cannot forge log lines
 * or flood them; any other value is replaced by a generated one.
 */
public final class RequestId {

  /** The HTTP request and response header. */
  public static final String HTTP_HEADER = "X-Request-Id";

  /** The event-bus message header. */
  public static final String BUS_HEADER = "dbgateway-request-id";

  public static final int MAX_LENGTH = 128;

  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_LENGTH + "}");

  private RequestId() {}

  /** {@code given} when it is sane (at most 128 of {@code A-Z a-z 0-9 . _ : -}), otherwise a new id. */
  public static String accept(String given) {
    return given != null && SANE.matcher(given).matches() ? given : generate();
  }

  /**
   * A random version-4 UUID. Request ids need to be unique, not secret, so they come from
   * {@link ThreadLocalRandom} rather than {@link UUID#randomUUID()}'s locked {@code SecureRandom}, which
   * cost every request a trip through a synchronized generator.
   */
  public static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long low = (random.nextLong() & ~(0xC0L << 56)) | (0x80L << 56); // IETF variant
    return new UUID(high, low).toString();
  }
}

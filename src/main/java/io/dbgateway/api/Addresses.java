package io.dbgateway.api;

import java.util.List;

/** The event-bus address of every operation, and the header of a replayed reply. HTTP is an adapter onto these. */
public final class Addresses {

  public static final String PREFIX = "dbgateway.";
  public static final String QUERY = PREFIX + "query";
  public static final String BATCH = PREFIX + "batch";
  public static final String TRANSACTION = PREFIX + "transaction";
  public static final String TX_BEGIN = PREFIX + "tx.begin";
  public static final String TX_COMMIT = PREFIX + "tx.commit";
  public static final String TX_ROLLBACK = PREFIX + "tx.rollback";
  public static final String NAMED = PREFIX + "named";
  /** Internal: answers whether the database responds, for readiness. */
  public static final String PING = PREFIX + "internal.ping";

  /**
   * Set on a reply that was answered from an idempotency key's recorded result (the HTTP adapter passes it
   * on as a response header of the same name).
   */
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";

  /** The operations clients may call from outside the JVM (the TCP bridge); internal addresses are not among them. */
  public static final List<String> OPERATIONS =
      List.of(QUERY, BATCH, TRANSACTION, TX_BEGIN, TX_COMMIT, TX_ROLLBACK, NAMED);

  /** Each served address's operation name, made once: it is asked for twice on every request. */
  private static final java.util.Map<String, String> OPERATION_NAMES = java.util.stream.Stream
      .concat(OPERATIONS.stream(), java.util.stream.Stream.of(PING))
      .collect(java.util.stream.Collectors.toUnmodifiableMap(a -> a, a -> a.substring(PREFIX.length())));

  private Addresses() {}

  /** The operation an address serves, as metrics and the access log name it: {@code tx.begin} for {@code dbgateway.tx.begin}. */
  public static String operation(String address) {
    String known = OPERATION_NAMES.get(address);
    if (known != null) {
      return known;
    }
    return address.startsWith(PREFIX) ? address.substring(PREFIX.length()) : address;
  }
}

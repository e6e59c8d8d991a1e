package io.dbgateway.resilience;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.dbgateway.testing.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Captures what {@link NodeBreaker} logs, so tests can check that every state change was logged. */
final class BreakerLog {

  private static final Pattern STATE = Pattern.compile("circuit breaker for (\\S+) is (OPEN|HALF_OPEN|CLOSED)");

  /** One logged state change: the node, the new state and when it was logged (wall clock). */
  record Change(String node, String state, long timeMillis) {}

  private final LogCapture capture = LogCapture.attach(NodeBreaker.class);

  private BreakerLog() {}

  static BreakerLog attach() {
    return new BreakerLog();
  }

  void detach() {
    capture.detach();
  }

  /** How many events were captured so far: pass it to {@link #changesSince} to see only later ones. */
  int mark() {
    return capture.mark();
  }

  /** The state changes logged for {@code node} (any node if null) since {@code mark}, in order. */
  List<Change> changesSince(int mark, String node) {
    List<ILoggingEvent> events = capture.eventsSince(mark);
    List<Change> changes = new ArrayList<>();
    for (ILoggingEvent event : events) {
      Matcher m = STATE.matcher(event.getFormattedMessage());
      if (m.find() && (node == null || m.group(1).equals(node))) {
        changes.add(new Change(m.group(1), m.group(2), event.getTimeStamp()));
      }
    }
    return changes;
  }

  List<String> statesSince(int mark, String node) {
    return changesSince(mark, node).stream().map(Change::state).toList();
  }
}

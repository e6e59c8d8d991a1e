package io.dbgateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** The shipped log layout: one JSON object on one line, whatever the message holds. */
class JsonLayoutTest {

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final Logger logger = context.getLogger("io.dbgateway.Example");

  private String layout(ch.qos.logback.classic.spi.ILoggingEvent event) {
    JsonLayout layout = new JsonLayout();
    layout.setContext(context);
    layout.start();
    return layout.doLayout(event);
  }

  @Test
  void aMessageWithQuotesControlCharactersAndNewlinesStaysOneJsonLine() {
    String hostile = "a \"quoted\" \\ back\nslash\r\t\u0001 \u2028 end\n{\"level\":\"ERROR\"}";
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN, "said {}", null,
        new Object[] {hostile});
    String line = layout(event);

    assertThat(line).endsWith(System.lineSeparator());
    assertThat(line.strip()).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u2028");
    JsonObject json = new JsonObject(line);
    assertThat(json.getString("message")).isEqualTo("said " + hostile);
    assertThat(json.getString("level")).isEqualTo("WARN");
    assertThat(json.getString("logger")).isEqualTo("io.dbgateway.Example");
    assertThat(Instant.parse(json.getString("timestamp"))).isNotNull();
    assertThat(json.getString("thread")).isEqualTo(Thread.currentThread().getName());
    assertThat(json.containsKey("requestId")).as("outside a request").isFalse();
  }

  @Test
  void keyValuePairsBecomeFieldsWithTheirJsonTypesButCannotReplaceTheLayoutsOwn() {
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, "access", null, null);
    event.addKeyValuePair(new KeyValuePair("status", 200));
    event.addKeyValuePair(new KeyValuePair("durationMs", 1.5));
    event.addKeyValuePair(new KeyValuePair("aborted", true));
    event.addKeyValuePair(new KeyValuePair("path", "/v1/query"));
    event.addKeyValuePair(new KeyValuePair("operation", null));
    event.addKeyValuePair(new KeyValuePair("ratio", Double.NaN));
    event.addKeyValuePair(new KeyValuePair("level", "FORGED"));
    event.addKeyValuePair(new KeyValuePair("requestId", "from-the-event"));
    JsonObject json = new JsonObject(layout(event));

    assertThat(json.getValue("status")).isEqualTo(200);
    assertThat(json.getValue("durationMs")).isEqualTo(1.5);
    assertThat(json.getValue("aborted")).isEqualTo(true);
    assertThat(json.getString("path")).isEqualTo("/v1/query");
    assertThat(json.containsKey("operation")).isFalse();
    assertThat(json.getString("ratio")).isEqualTo("NaN");
    assertThat(json.getString("level")).isEqualTo("INFO");
    assertThat(json.getString("requestId")).as("named by the event, outside a request's context")
        .isEqualTo("from-the-event");
  }

  @Test
  void timestampsAreWrittenAsInstantWritesThemAcrossSecondsAndWholeSeconds() {
    JsonLayout layout = new JsonLayout();
    long[] times = {1_764_900_000_000L, 1_764_900_000_001L, 1_764_900_000_010L, 1_764_900_000_999L,
        1_764_900_001_000L, 1_764_900_001_500L, 1_764_899_999_999L, 0L, -1L, 1_764_900_001_120L};
    for (long millis : times) {
      assertThat(layout.timestamp(millis)).as("%d", millis).isEqualTo(Instant.ofEpochMilli(millis).toString());
    }
  }

  @Test
  void aFailureCarriesItsStackTraceInOneField() {
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.ERROR, "failed", new IllegalStateException("boom"),
        null);
    JsonObject json = new JsonObject(layout(event));
    assertThat(json.getString("exception")).startsWith("java.lang.IllegalStateException: boom").contains("\tat ");
  }

  @Test
  void anAccessLineLaysOutAsTheSameEventWithKeyValuePairsWould() {
    for (boolean completed : new boolean[] {true, false}) {
      for (String keyId : new String[] {"app", null}) {
        AccessLine line = new AccessLine("dbgateway.access", context.getLoggerContextRemoteView(), 1_733_400_000_123L,
            "vert.x-eventloop-thread-1", "POST", "/v1/\"quoted\"", null, 503, 2.25, "req-1", keyId, completed);
        LoggingEvent generic = new LoggingEvent(Logger.class.getName(), context.getLogger("dbgateway.access"),
            Level.INFO, line.getFormattedMessage(), null, null);
        generic.setTimeStamp(line.timeStamp());
        generic.setThreadName(line.threadName());
        line.getKeyValuePairs().forEach(generic::addKeyValuePair);

        String fast = layout(line);
        assertThat(fast).isEqualTo(layout(generic));
        JsonObject json = new JsonObject(fast);
        assertThat(json.getString("message")).startsWith("POST /v1/\"quoted\" 503 2.25 ms");
        assertThat(json.getValue("status")).isEqualTo(503);
        assertThat(json.getString("keyId")).isEqualTo(keyId);
        assertThat(json.containsKey("operation")).isFalse();
        assertThat(json.containsKey("aborted")).isEqualTo(!completed);
      }
    }
  }
}

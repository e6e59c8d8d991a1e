package io.dbgateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.dbgateway.logging.AsyncAccessAppender;
import io.dbgateway.testing.HeldAppender;
import io.dbgateway.testing.Scrape;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** Access lines dropped by a full queue show up in {@code dbgateway_access_log_dropped_total}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AccessLogDroppedMetricTest {

  static final String DROPPED = "dbgateway_access_log_dropped_total";

  @Test
  void droppedAccessLinesAreCounted() throws Exception {
    GatewayMetrics metrics = new GatewayMetrics();
    Scrape before = new Scrape(metrics.scrape());
    assertThat(before.hasType(DROPPED, "counter")).as(before.text()).isTrue();

    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger log = context.getLogger("test.access." + UUID.randomUUID());
    HeldAppender held = new HeldAppender();
    AsyncAccessAppender appender = new AsyncAccessAppender();
    appender.setContext(context);
    appender.setQueueSize(1);
    appender.setFlushOnExit(false);
    appender.addAppender(held);
    appender.start();
    log.setAdditive(false);
    log.addAppender(appender);
    try {
      log.info(HeldAppender.HOLD);
      held.awaitHolding();
      log.info("queued");
      for (int i = 0; i < 5; i++) {
        log.info("dropped {}", i);
      }
      log.warn("kept");
      Scrape after = new Scrape(metrics.scrape());
      assertThat(after.value(DROPPED, Map.of()) - before.value(DROPPED, Map.of())).isEqualTo(5);
      assertThat(after.value(DROPPED, Map.of())).isEqualTo(AsyncAccessAppender.dropped());
    } finally {
      held.release();
      log.detachAppender(appender);
      appender.stop();
    }
  }
}

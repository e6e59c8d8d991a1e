package io.dbgateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.status.Status;
import java.net.URL;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code logback.xml}: only the access logger goes through the asynchronous appender (which
 * may drop its INFO lines); every other logger, and so every WARN and ERROR of the gateway, writes
 * synchronously. (The output itself is checked in a child JVM: {@code bootstrap/ShippedLogFormatTest}.)
 */
class ShippedLogbackConfigTest {

  @Test
  void onlyTheAccessLogIsAsynchronous() throws Exception {
    URL shipped = getClass().getResource("/logback.xml");
    assertThat(shipped).as("src/main/resources/logback.xml on the class path").isNotNull();
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(shipped);
    try {
      List<Status> statuses = context.getStatusManager().getCopyOfStatusList();
      assertThat(statuses).as(statuses.toString()).allMatch(s -> s.getEffectiveLevel() < Status.WARN);

      Logger access = context.getLogger("dbgateway.access");
      assertThat(access.isAdditive()).as("access lines are not written twice").isFalse();
      List<Appender<ILoggingEvent>> accessAppenders = appenders(access);
      assertThat(accessAppenders).singleElement().isInstanceOf(AsyncAccessAppender.class);
      AsyncAccessAppender async = (AsyncAccessAppender) accessAppenders.get(0);
      assertThat(async.isStarted()).isTrue();
      assertThat(async.getQueueSize()).isEqualTo(8192);
      assertThat(async.isFlushOnExit()).isTrue();
      List<Appender<ILoggingEvent>> behind = new ArrayList<>();
      async.iteratorForAppenders().forEachRemaining(behind::add);
      assertThat(behind).singleElement().isInstanceOf(BatchingStdoutAppender.class);

      Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
      assertThat(appenders(root)).singleElement().isInstanceOf(ConsoleAppender.class);
      for (Logger logger : context.getLoggerList()) {
        if (logger != access) {
          assertThat(appenders(logger)).as(logger.getName()).noneMatch(AsyncAccessAppender.class::isInstance);
        }
      }
    } finally {
      context.stop();
    }
  }

  private static List<Appender<ILoggingEvent>> appenders(Logger logger) {
    List<Appender<ILoggingEvent>> list = new ArrayList<>();
    Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders();
    it.forEachRemaining(list::add);
    return list;
  }
}

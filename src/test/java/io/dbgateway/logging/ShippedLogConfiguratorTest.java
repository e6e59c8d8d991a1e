package io.dbgateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The configuration {@link ShippedLogConfigurator} sets up in code is the one {@code logback.xml} (the
 * file shipped in the jar) describes: same appender, encoder, charset, layout and levels. When either
 * changes, this fails until the other follows.
 */
class ShippedLogConfiguratorTest {

  @Test
  void codeAndXmlConfigureTheSame() throws Exception {
    LoggerContext fromXml = new LoggerContext();
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(fromXml);
    URL xml = getClass().getClassLoader().getResource("logback.xml");
    assertThat(xml).isNotNull();
    joran.doConfigure(xml);
    LoggerContext fromCode = new LoggerContext();
    ShippedLogConfigurator.apply(fromCode);

    assertThat(describe(fromCode)).isEqualTo(describe(fromXml));
    // Every level the XML sets is one the code sets, and no other logger has one.
    assertThat(levels(fromXml)).isEqualTo(levels(fromCode)).containsKeys(ShippedLogConfigurator.LEVELS.keySet()
        .toArray(String[]::new));
  }

  @Test
  void stepsAsideWhenTheTestsOrAnOperatorNameAnotherConfiguration() {
    // The test class path has logback-test.xml: logback must read it, as it always did.
    assertThat(ShippedLogConfigurator.usesShippedXml(getClass().getClassLoader())).isFalse();
  }

  private static List<String> describe(LoggerContext context) {
    List<String> lines = new ArrayList<>();
    for (Logger logger : List.of(context.getLogger(Logger.ROOT_LOGGER_NAME),
        context.getLogger(ShippedLogConfigurator.ACCESS_LOGGER))) {
      lines.add("logger " + logger.getName() + " " + logger.getLevel() + ", additive " + logger.isAdditive());
      for (var it = logger.iteratorForAppenders(); it.hasNext(); ) {
        describe(it.next(), lines);
      }
    }
    return lines;
  }

  private static void describe(Appender<ILoggingEvent> appender, List<String> lines) {
    lines.add("appender " + appender.getName() + " " + appender.getClass().getName() + ", started " + appender.isStarted());
    if (appender instanceof ConsoleAppender<ILoggingEvent> console) {
      lines.add("target " + console.getTarget());
    }
    if (appender instanceof ch.qos.logback.core.OutputStreamAppender<ILoggingEvent> stream) {
      if (stream.getEncoder() instanceof LayoutWrappingEncoder<ILoggingEvent> encoder) {
        lines.add("encoder " + encoder.getClass().getName() + " " + encoder.getCharset() + " layout "
            + encoder.getLayout().getClass().getName() + ", started " + encoder.getLayout().isStarted());
      } else {
        lines.add("encoder " + stream.getEncoder());
      }
    }
    if (appender instanceof AsyncAccessAppender async) {
      lines.add("queue " + async.getQueueSize() + ", max flush " + async.getMaxFlushTime() + " ms");
      for (var it = async.iteratorForAppenders(); it.hasNext(); ) {
        describe(it.next(), lines);
      }
    }
  }

  private static java.util.Map<String, Level> levels(LoggerContext context) {
    java.util.Map<String, Level> levels = new java.util.TreeMap<>();
    for (Logger logger : context.getLoggerList()) {
      if (logger.getLevel() != null && !logger.getName().equals(Logger.ROOT_LOGGER_NAME)) {
        levels.put(logger.getName(), logger.getLevel());
      }
    }
    return levels;
  }
}

package io.dbgateway.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.CodeSource;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Sets up logging exactly as the shipped {@code logback.xml} says, in code: logback's XML configurator
 * (Joran) takes about 0.1 s of start-up to parse those twenty lines, more than anything else before the
 * configuration is read. {@code ShippedLogConfiguratorTest} checks that both give the same setup.
 *
 * <p>It steps aside, and logback reads its XML as usual, whenever another configuration is asked for:
 * {@code -Dlogback.configurationFile=...}, a {@code logback-test.xml} on the class path (the tests), or a
 * {@code logback.xml} that is not the one shipped next to this class (put ahead of the jar on the class
 * path). Registered in {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class ShippedLogConfigurator extends ContextAwareBase implements Configurator {

  /** The loggers {@code logback.xml} sets a level for. */
  static final Map<String, Level> LEVELS = Map.of(
      "org.flywaydb", Level.WARN,
      "io.netty", Level.WARN,
      // Vert.x registers one event-bus gauge per handler of an address and shares it; Micrometer warns on each.
      "io.micrometer.core.instrument.MeterRegistry", Level.ERROR,
      // Cluster mode: Hazelcast's warnings, its membership tables and its lifecycle, not its banner,
      // connection notices and periodic health lines.
      "com.hazelcast", Level.WARN,
      "com.hazelcast.internal.cluster.ClusterService", Level.INFO,
      "com.hazelcast.core.LifecycleService", Level.INFO);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (!usesShippedXml(getClass().getClassLoader())) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    apply(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /**
   * What {@code logback.xml} configures: one JSON object per line on standard output, INFO and up; the
   * access log through its own queue and writer thread ({@link AsyncAccessAppender}).
   */
  static void apply(LoggerContext context) {
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("STDOUT");
    appender.setEncoder(jsonLines(context));
    appender.start();

    BatchingStdoutAppender accessOut = new BatchingStdoutAppender();
    accessOut.setContext(context);
    accessOut.setName("ACCESS_STDOUT");
    accessOut.setEncoder(jsonLines(context));
    accessOut.start();
    AsyncAccessAppender access = new AsyncAccessAppender();
    access.setContext(context);
    access.setName("ACCESS");
    access.setQueueSize(AsyncAccessAppender.DEFAULT_QUEUE_SIZE);
    access.setMaxFlushTime(AsyncAccessAppender.DEFAULT_MAX_FLUSH_TIME_MS);
    access.addAppender(accessOut);
    access.start();
    ch.qos.logback.classic.Logger accessLogger = context.getLogger(ACCESS_LOGGER);
    accessLogger.setAdditive(false);
    accessLogger.addAppender(access);

    LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(appender);
  }

  /** The access log's logger ({@code io.dbgateway.http.AccessLog.LOGGER}). */
  static final String ACCESS_LOGGER = "dbgateway.access";

  private static LayoutWrappingEncoder<ILoggingEvent> jsonLines(LoggerContext context) {
    JsonLayout layout = new JsonLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setCharset(StandardCharsets.UTF_8);
    encoder.setLayout(layout);
    encoder.start();
    return encoder;
  }

  /**
   * Whether logback, left alone, would read the {@code logback.xml} shipped with this class: no
   * configuration file named by the system property, no {@code logback-test.xml}, and the first
   * {@code logback.xml} on the class path is the one beside this class (in the same jar or folder).
   */
  static boolean usesShippedXml(ClassLoader loader) {
    if (System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY) != null
        || loader.getResource("logback-test.xml") != null) {
      return false;
    }
    URL xml = loader.getResource("logback.xml");
    CodeSource source = ShippedLogConfigurator.class.getProtectionDomain().getCodeSource();
    if (xml == null || source == null || source.getLocation() == null) {
      return false;
    }
    String home = source.getLocation().toExternalForm();
    String found = xml.toExternalForm();
    return found.equals(home + "logback.xml") || found.equals("jar:" + home + "!/logback.xml");
  }
}

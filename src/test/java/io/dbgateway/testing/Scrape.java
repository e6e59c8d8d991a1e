package io.dbgateway.testing;

import io.dbgateway.tck.GatewayUnderTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One {@code GET /metrics} answer in the Prometheus text format, parsed into samples. */
public final class Scrape {

  /** One sample: a metric name, its labels and its value. */
  public record Sample(String name, Map<String, String> labels, double value) {

    boolean matches(String wanted, Map<String, String> subset) {
      return name.equals(wanted) && subset.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
  }

  private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\d+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final String text;
  private final List<Sample> samples = new ArrayList<>();

  public Scrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line.trim());
      if (!m.matches()) {
        throw new AssertionError("not a Prometheus sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
      }
      samples.add(new Sample(m.group(1), labels, parse(m.group(4))));
    }
  }

  private static double parse(String value) {
    return switch (value) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(value);
    };
  }

  /** {@code GET /metrics} of {@code gateway}, checked to be Prometheus text. */
  public static Scrape of(GatewayUnderTest gateway) {
    GatewayUnderTest.Response r = gateway.get("/metrics");
    if (r.status() != 200 || r.header("content-type") == null || !r.header("content-type").startsWith("text/plain")) {
      throw new AssertionError("GET /metrics answered " + r.status() + " " + r.headers() + ": " + r.body());
    }
    return new Scrape(r.body());
  }

  /** Scrapes until {@code wanted} holds; fails with the last scrape after {@code timeoutMs}. */
  public static Scrape await(GatewayUnderTest gateway, Predicate<Scrape> wanted, long timeoutMs)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (true) {
      Scrape scrape = of(gateway);
      if (wanted.test(scrape)) {
        return scrape;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the scrape never showed what was awaited; the last one:\n" + scrape.text());
      }
      Thread.sleep(50);
    }
  }

  /** The pool {@code node/PoolSetup} names for writes to {@code node} (as results report it) on {@code engine}. */
  public static String writerPool(String engine, String node) {
    return switch (engine) {
      case "postgresql" -> "pg-" + node;
      case "mysql" -> "mysql-" + node;
      case "sqlite" -> "sqlite-writer";
      default -> throw new IllegalArgumentException(engine);
    };
  }

  public String text() {
    return text;
  }

  /** The samples of {@code name} whose labels include {@code labels}. */
  public List<Sample> samples(String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.matches(name, labels)).toList();
  }

  /** The sum of the matching samples; 0 when there are none (a counter not yet created has counted nothing). */
  public double sum(String name, Map<String, String> labels) {
    return samples(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  /** The value of the one sample of {@code name} with these labels; fails when there is not exactly one. */
  public double value(String name, Map<String, String> labels) {
    List<Sample> found = samples(name, labels);
    if (found.size() != 1) {
      throw new AssertionError(found.size() + " samples of " + name + labels + " in the scrape:\n" + text);
    }
    return found.get(0).value();
  }

  /** Whether the scrape declares {@code name} with the given TYPE line. */
  public boolean hasType(String name, String type) {
    return text.lines().anyMatch(l -> l.equals("# TYPE " + name + " " + type));
  }
}

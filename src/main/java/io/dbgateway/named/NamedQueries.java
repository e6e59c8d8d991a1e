package io.dbgateway.named;

import io.dbgateway.config.InvalidConfigException;
import io.dbgateway.error.ErrorCode;
import io.dbgateway.error.GatewayException;
import io.dbgateway.sql.PlaceholderRewriter;
import io.dbgateway.sql.SqlSyntax;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named queries, loaded once at start from the {@code *.json} files of one folder. Each file holds
 * one query object or an array of them. Every file is checked before any database is reached, and
 * every problem is reported together, naming its file, like a configuration problem.
 */
public final class NamedQueries {

  private static final Logger log = LoggerFactory.getLogger(NamedQueries.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final Set<String> FIELDS = Set.of("name", "sql", "readOnly", "description");

  private final Map<String, NamedQuery> byName;

  private NamedQueries(Map<String, NamedQuery> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  public static NamedQueries none() {
    return new NamedQueries(Map.of());
  }

  /**
   * Loads every {@code *.json} file of {@code dir}; a folder that does not exist holds no queries.
   *
   * @param syntax the engine's SQL syntax, to check the placeholders of each query
   * @throws InvalidConfigException listing every problem, each with its file
   */
  public static NamedQueries load(Path dir, SqlSyntax syntax) {
    if (!Files.exists(dir)) {
      log.info("no named queries: the folder {} (GATEWAY_QUERIES) does not exist", dir);
      return none();
    }
    List<String> problems = new ArrayList<>();
    Map<String, NamedQuery> byName = new LinkedHashMap<>();
    Map<String, Path> fileOf = new LinkedHashMap<>();
    for (Path file : files(dir, problems)) {
      for (Entry entry : entries(file, problems)) {
        NamedQuery query = query(entry, syntax, problems);
        if (query == null) {
          continue;
        }
        Path first = fileOf.putIfAbsent(query.name(), file);
        if (first != null) {
          problems.add(entry.where() + ": the name '" + query.name() + "' is already used in " + first);
        } else {
          byName.put(query.name(), query);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems.stream().map(p -> "named query " + p).toList());
    }
    log.info("{} named queries loaded from {}", byName.size(), dir);
    return new NamedQueries(byName);
  }

  /**
   * The query called {@code name}.
   *
   * @throws GatewayException 404 when there is none
   */
  public NamedQuery get(String name) {
    NamedQuery query = byName.get(name);
    if (query == null) {
      throw GatewayException.of(ErrorCode.NOT_FOUND, "no named query '" + name + "'");
    }
    return query;
  }

  public int size() {
    return byName.size();
  }

  private static List<Path> files(Path dir, List<String> problems) {
    if (!Files.isDirectory(dir)) {
      problems.add("folder " + dir + " (GATEWAY_QUERIES) is not a folder");
      return List.of();
    }
    try (Stream<Path> listing = Files.list(dir)) {
      return listing.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      problems.add("folder " + dir + " (GATEWAY_QUERIES) cannot be read: " + e.getMessage());
      return List.of();
    }
  }

  /** One query definition and where it is: its file, and its index in the file's array. */
  private record Entry(String where, Object json) {}

  private static List<Entry> entries(Path file, List<String> problems) {
    Object parsed;
    try {
      parsed = Json.decodeValue(Files.readString(file));
    } catch (IOException e) {
      problems.add(file + ": cannot be read: " + e.getMessage());
      return List.of();
    } catch (DecodeException e) {
      problems.add(file + ": is not valid JSON: " + e.getMessage());
      return List.of();
    }
    if (parsed instanceof JsonObject object) {
      return List.of(new Entry(file.toString(), object));
    }
    if (parsed instanceof JsonArray array) {
      List<Entry> entries = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        entries.add(new Entry(file + " [" + i + "]", array.getValue(i)));
      }
      return entries;
    }
    problems.add(file + ": must hold a query object or an array of query objects");
    return List.of();
  }

  /** The query {@code entry} defines, or null after noting its problems. */
  private static NamedQuery query(Entry entry, SqlSyntax syntax, List<String> problems) {
    String where = entry.where();
    if (!(entry.json() instanceof JsonObject json)) {
      problems.add(where + ": must be an object with name, sql, readOnly and description");
      return null;
    }
    int before = problems.size();
    for (String field : json.fieldNames()) {
      if (!FIELDS.contains(field)) {
        problems.add(where + ": unknown field '" + field + "' (allowed: name, sql, readOnly, description)");
      }
    }
    Object name = json.getValue("name");
    if (!(name instanceof String text) || !NAME.matcher(text).matches()) {
      problems.add(where + ": name must be a string of letters, digits, '_', '.' or '-'");
    }
    Object sql = json.getValue("sql");
    if (!(sql instanceof String statement) || statement.isBlank()) {
      problems.add(where + ": sql must be a non-empty string");
    } else {
      try {
        PlaceholderRewriter.parse(statement, syntax);
      } catch (GatewayException e) {
        problems.add(where + ": sql: " + e.getMessage());
      }
    }
    if (!(json.getValue("readOnly") instanceof Boolean)) {
      problems.add(where + ": readOnly must be true or false");
    }
    Object description = json.getValue("description");
    if (description != null && !(description instanceof String)) {
      problems.add(where + ": description must be a string");
    }
    if (problems.size() > before) {
      return null;
    }
    return new NamedQuery((String) name, (String) sql, json.getBoolean("readOnly"), (String) description);
  }
}

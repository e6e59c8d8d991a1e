package io.dbgateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbgateway.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table and its opening commands cannot drift from the code. */
class DocumentationTest {

  private final String readme = read("README.md");

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void everySettingIsInTheReadmeTableWithItsKeyAndDefault() {
    for (Setting s : Setting.ALL) {
      String row = readme.lines().filter(l -> l.startsWith("| `" + s.env() + "` |")).findFirst().orElse(null);
      assertThat(row).as("README row for " + s.env()).isNotNull();
      assertThat(row).contains("`" + s.key() + "`");
      if (s.defaultValue() != null && !s.env().equals("DB_PORT")) {
        assertThat(row).as(s.env()).contains(s.defaultValue());
      }
    }
  }

  @Test
  void readmeOpensWithTheRunAndTestCommands() {
    String firstBlocks = readme.substring(0, readme.indexOf("## "));
    assertThat(firstBlocks).contains("DB_TYPE=sqlite java @conf/jvm.options -jar target/db-gateway.jar");
    assertThat(firstBlocks).contains("./mvnw -B -ntp verify");
    assertThat(read(".ci/run")).contains("./mvnw -B -ntp verify");
  }
}

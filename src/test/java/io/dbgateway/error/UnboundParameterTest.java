package io.dbgateway.error;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A value the driver cannot bind is reported by position and kind, never by its value or a Java class path. */
class UnboundParameterTest {

  @Test
  void theDetailNamesThePositionAndKindsButNotTheValue() {
    String detail = Failures.unboundParameter("Parameter at position[0] with class = [java.lang.String] and value ="
        + " [secret-marker] can not be coerced to the expected class = [java.lang.Number] for encoding.");
    assertThat(detail).isEqualTo("parameter 1 cannot be bound: the statement expects a number, not a string");
  }

  @Test
  void arraysAndObjectsAreNamedAsJson() {
    assertThat(Failures.unboundParameter("Parameter at position[2] with class = [[Ljava.lang.Object;] and value ="
        + " [[Ljava.lang.Object;@344b1868] can not be coerced to the expected class = [java.lang.Number] for encoding."))
        .isEqualTo("parameter 3 cannot be bound: the statement expects a number, not a JSON array");
    assertThat(Failures.unboundParameter("Parameter at position[1] with class = [io.vertx.core.json.JsonObject] and"
        + " value = [{\"a\":\n1}] can not be coerced to the expected class = [java.lang.Boolean] for encoding."))
        .isEqualTo("parameter 2 cannot be bound: the statement expects a boolean, not a JSON object");
  }

  @Test
  void anUnexpectedMessageIsNotEchoed() {
    assertThat(Failures.unboundParameter("Parameter at position something else [secret-marker]"))
        .doesNotContain("secret-marker");
  }
}

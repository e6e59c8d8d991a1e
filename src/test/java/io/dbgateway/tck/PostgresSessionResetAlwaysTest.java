package io.dbgateway.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GATEWAY_SESSION_RESET=always}: every session is reset, so even a change that no SQL text shows
 * (a trigger's function sets the search path on a plain INSERT) does not reach the next caller.
 */
class PostgresSessionResetAlwaysTest extends PostgresSessionResetTest {

  @Override
  protected Map<String, String> settings() {
    return Map.of("GATEWAY_SESSION_RESET", "always");
  }

  @Test
  void aChangeHiddenInATriggerIsGoneForTheNextCaller() throws SQLException {
    String audited = Engine.uniqueTable("audited");
    engine().execute("CREATE TABLE " + audited + " (id INTEGER)",
        "CREATE OR REPLACE FUNCTION dbgw_trigger_path() RETURNS trigger LANGUAGE plpgsql AS"
            + " $$ BEGIN PERFORM set_config('search_path', 'pg_catalog', false); RETURN NEW; END $$",
        "CREATE TRIGGER " + audited + "_path BEFORE INSERT ON " + audited
            + " FOR EACH ROW EXECUTE FUNCTION dbgw_trigger_path()");
    Change path = new Change("a trigger that sets the path", java.util.List.of(), "SELECT current_setting('search_path') AS v");
    var before = probe(path, OTHER_WRITER);

    var inserted = post("/v1/query", sql("INSERT INTO " + audited + " (id) VALUES (1)"), WRITER);
    assertThat(inserted.status()).as(inserted.body()).isEqualTo(200);

    assertThat(probe(path, OTHER_WRITER)).isEqualTo(before);
    assertThat(probe(path, WRITER)).isEqualTo(before);
  }
}

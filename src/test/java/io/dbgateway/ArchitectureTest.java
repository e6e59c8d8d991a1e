package io.dbgateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.dbgateway.config.DbType;
import org.junit.jupiter.api.Test;

/**
 * Engine knowledge lives in the drivers ({@code driver.*}): the code outside them never asks which engine
 * it runs on, so adding one is adding a driver (issue #14).
 */
class ArchitectureTest {

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.dbgateway");

  /** Where the engine may be named: the drivers, and the configuration that reads and validates DB_TYPE. */
  private static final String[] MAY_NAME_THE_ENGINE = {"io.dbgateway.driver..", "io.dbgateway.config.."};

  /**
   * A {@code switch} or an {@code if} on the engine reads one of DbType's constants (a {@code switch}
   * through its ordinal and {@code values()}); its id and default port are data, not a decision.
   */
  private static final DescribedPredicate<JavaAccess<?>> DECIDES_BY_ENGINE = DescribedPredicate.describe(
      "read a DbType constant, or its ordinal, name or values()", access ->
          access.getTargetOwner().isEquivalentTo(DbType.class)
              && java.util.Set.of("POSTGRESQL", "MYSQL", "SQLITE", "ordinal", "name", "values", "valueOf", "compareTo")
                  .contains(access.getName()));

  @Test
  void onlyTheDriversAndTheConfigurationDecideByEngine() {
    noClasses().that().resideOutsideOfPackages(MAY_NAME_THE_ENGINE)
        .should().accessTargetWhere(DECIDES_BY_ENGINE)
        .because("engine differences belong in the engine's driver (io.dbgateway.driver.*), chosen once at start-up")
        .check(MAIN);
  }

  @Test
  void theEngineClientsAreUsedOnlyByTheirDriversAndGalera() {
    noClasses().that().resideOutsideOfPackages("io.dbgateway.driver..", "io.dbgateway.galera..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx.pgclient..", "io.vertx.mysqlclient..",
            "io.vertx.jdbcclient..", "org.sqlite..", "org.postgresql..", "org.mariadb..")
        .because("a driver adapts its engine's client; Galera's monitor speaks to the nodes with the MySQL client")
        .check(MAIN);
  }

  @Test
  void onlyTheChoiceOfDriverNamesAnEngineDriver() {
    noClasses().that().resideOutsideOfPackages("io.dbgateway.driver..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.dbgateway.driver.postgres..", "io.dbgateway.driver.mysql..", "io.dbgateway.driver.sqlite..")
        .because("the rest of the gateway sees a driver through driver.Driver and driver.Dialect, and asks the chosen"
            + " driver what its engine's error codes mean (error.EngineErrors)")
        .check(MAIN);
  }

  @Test
  void thePackagesDependOnEachOtherWithoutCycles() {
    slices().matching("io.dbgateway.(*)..").should().beFreeOfCycles()
        .because("each package is one concern, read from the adapters down through the operations and the executor"
            + " to the drivers and the pools: an adapter built on the HTTP server is handed to it by the composition"
            + " root (http.SignedRoutes), a driver builds its pools (node) and never the other way round")
        .check(MAIN);
  }

  /**
   * Where Vert.x internals may be used, each with a comment saying why no public API serves: the drivers'
   * adapters of their clients and the context-local log data.
   */
  private static final java.util.List<String> MAY_USE_VERTX_INTERNALS = java.util.List.of(
      "io.dbgateway.logging.LogContext", "io.dbgateway.logging.LogContextProvider");

  @Test
  void vertxInternalsAreUsedOnlyByTheDriversAndTheDocumentedExceptions() {
    noClasses().that().resideOutsideOfPackages("io.dbgateway.driver..")
        .and(DescribedPredicate.not(DescribedPredicate.<JavaClass>describe("a documented exception", c ->
            MAY_USE_VERTX_INTERNALS.stream().anyMatch(e -> c.getName().equals(e) || c.getName().startsWith(e + "$")))))
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..impl..", "io.vertx..internal..")
        .because("a Vert.x upgrade may change its impl and internal packages at any release: the public API, or"
            + " a driver's adapter behind a small interface (node.LanedPool.Closer)")
        .check(MAIN);
  }
}

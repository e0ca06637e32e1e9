package dev.chorus.platform;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.Test;

import dev.chorus.database.EmbeddedDatabaseRuntime;
import dev.chorus.registry.BackboneVersion;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/** Chorus on its embedded default: migrated schema, rows that persist, operational endpoints. */
@QuarkusTest
class PlatformTest {

    @Inject
    EntityManager entityManager;

    @Test
    void startsTheEmbeddedDatabaseInTheConfiguredDirectory() {
        var embedded = EmbeddedDatabaseRuntime.current().orElseThrow();
        assertEquals(Path.of("target/chorus-test-postgres").toAbsolutePath(), embedded.home());
    }

    @Test
    void theSchemaComesFromTheFlywayMigrations() {
        List<?> applied = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                "select version from flyway_schema_history where success order by installed_rank").getResultList());
        assertTrue(applied.containsAll(List.of("1", "2")), "applied: " + applied);
    }

    @Test
    void recordsThisStart() {
        long startsFromThisProcess = QuarkusTransaction.requiringNew().call(() -> PlatformStart
                .count("pid = ?1", ProcessHandle.current().pid()));
        assertTrue(startsFromThisProcess >= 1);
    }

    @Test
    void committedRowsAreReadBackFromTheDatabase() {
        String name = "persist-probe-" + System.nanoTime();
        QuarkusTransaction.requiringNew().run(() -> {
            BackboneVersion backbone = new BackboneVersion();
            backbone.name = name;
            backbone.version = "1";
            backbone.plugin = "test";
            backbone.status = BackboneVersion.Status.UNAVAILABLE;
            backbone.statusReason = "weights file missing";
            backbone.persist();
        });
        BackboneVersion read = QuarkusTransaction.requiringNew().call(() -> {
            entityManager.clear();
            return BackboneVersion.<BackboneVersion>find("name", name).singleResult();
        });
        assertEquals("weights file missing", read.statusReason);
        assertEquals(0, read.rowVersion);
        assertNotNull(read.id);
        QuarkusTransaction.requiringNew().run(() -> BackboneVersion.delete("name", name));
    }

    @Test
    void readinessIncludesTheDatabase() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Database connections health check"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void exposesPrometheusMetrics() {
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"));
    }
}

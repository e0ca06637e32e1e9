package dev.chorus.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.Test;

import dev.chorus.platform.PlatformStatus;
import dev.chorus.platform.PlatformStatusService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With a database URL configured, Chorus uses that server and never starts its own. */
@QuarkusTest
@TestProfile(ExternalDatabaseTest.ExternalDatabase.class)
class ExternalDatabaseTest {

    public static class ExternalDatabase implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ExternalPostgresResource.class));
        }
    }

    @Inject
    PlatformStatusService platform;
    @Inject
    EntityManager entityManager;

    @Test
    void neverStartsTheEmbeddedServer() {
        assertTrue(EmbeddedDatabaseRuntime.current().isEmpty());
        assertFalse(Files.exists(ExternalPostgresResource.NEVER_CREATED),
                "the embedded data directory was created: " + ExternalPostgresResource.NEVER_CREATED);
    }

    @Test
    void migratesAndReportsTheExternalServer() {
        PlatformStatus status = platform.status();
        assertFalse(status.database().embedded());
        assertTrue(status.database().url().matches("jdbc:postgresql://localhost:\\d+/postgres"), status.database().url());
        assertEquals("postgres", status.database().user());
        assertTrue(status.database().dataDirectory().isEmpty());
        assertEquals(Migrations.latestVersion(), status.schemaVersion());
        String kind = QuarkusTransaction.requiringNew().call(() -> (String) entityManager
                .createNativeQuery("select database_kind from platform_start order by id desc limit 1")
                .getSingleResult());
        assertEquals("EXTERNAL", kind);
    }
}

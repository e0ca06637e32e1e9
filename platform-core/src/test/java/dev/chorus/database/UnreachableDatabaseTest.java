package dev.chorus.database;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;

/** A configured database that refuses connections ends start-up with a clear, secret-free error. */
@QuarkusMainTest
@TestProfile(UnreachableDatabaseTest.RefusingDatabase.class)
class UnreachableDatabaseTest {

    public static class RefusingDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Port 1 on loopback: nothing listens, the kernel refuses at once.
            return Map.of("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:1/chorus?password=hunter2",
                    "quarkus.datasource.username", "chorus",
                    "quarkus.datasource.password", "hunter2");
        }
    }

    @Test
    @Launch(value = {}, exitCode = 1)
    void exitsNonZeroNamingTheUrlButNotThePassword(LaunchResult result) {
        String output = result.getOutput() + result.getErrorOutput();
        assertTrue(output.contains("Cannot use the database external PostgreSQL at"
                + " jdbc:postgresql://127.0.0.1:1/chorus?password=***"), output);
        assertTrue(output.contains("QUARKUS_DATASOURCE_JDBC_URL"), "says what to check");
        assertFalse(output.contains("hunter2"), "the password never appears");
        assertNotEquals(0, result.exitCode());
    }
}

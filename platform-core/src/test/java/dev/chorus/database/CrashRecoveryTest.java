package dev.chorus.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Chorus JVM killed with SIGKILL leaves its PostgreSQL running. The next start on the same
 * directory must take over cleanly, with every committed row still there.
 */
class CrashRecoveryTest {

    @TempDir
    Path home;

    @Test
    @Timeout(180)
    void theNextStartStopsTheOrphanedServerAndKeepsTheData() throws Exception {
        Process chorus = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), CrashedChorusProcess.class.getName(), home.toString())
                .redirectErrorStream(true)
                .start();
        String url = awaitReady(chorus);
        try (Connection c = DriverManager.getConnection(url, EmbeddedDatabase.USER, "");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE note (text TEXT)");
            s.execute("INSERT INTO note VALUES ('committed before the crash')");
        }

        chorus.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertTrue(chorus.waitFor(30, TimeUnit.SECONDS));

        try (EmbeddedDatabase db = EmbeddedDatabase.start(EmbeddedDatabaseTest.settings(home))) {
            assertEquals("committed before the crash", EmbeddedDatabaseTest.queryOne(db, "SELECT text FROM note"));
        }
    }

    private static String awaitReady(Process process) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("READY ")) {
                return line.substring("READY ".length());
            }
            seen.append(line).append('\n');
        }
        return fail("the child JVM ended before its database was ready:\n" + seen);
    }
}

package dev.chorus.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL on real directories: what it keeps, what it refuses, and how it says so. */
class EmbeddedDatabaseTest {

    @TempDir
    Path home;

    static EmbeddedDatabaseSettings settings(Path home) {
        return new EmbeddedDatabaseSettings(home, 0, Duration.ofSeconds(60));
    }

    static Connection connect(EmbeddedDatabase db) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), "");
    }

    static void execute(EmbeddedDatabase db, String sql) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String queryOne(EmbeddedDatabase db, String sql) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void keepsCommittedRowsAcrossAStopAndStart() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(settings(home))) {
            execute(db, "CREATE TABLE note (text TEXT NOT NULL)");
            execute(db, "INSERT INTO note VALUES ('kept')");
        }
        try (EmbeddedDatabase db = EmbeddedDatabase.start(settings(home))) {
            assertEquals("kept", queryOne(db, "SELECT text FROM note"));
        }
    }

    @Test
    void runsDurablyAndOnlyOnLoopback() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(settings(home))) {
            assertEquals("on", queryOne(db, "SHOW fsync"));
            assertEquals("on", queryOne(db, "SHOW synchronous_commit"));
            assertEquals("127.0.0.1", queryOne(db, "SHOW listen_addresses"));
            assertEquals("chorus", queryOne(db, "SELECT current_database()"));
            assertEquals("false", queryOne(db, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user"));
        }
    }

    @Test
    void refusesASecondUserOfTheSameDirectoryAndKeepsServingTheFirst() throws Exception {
        try (EmbeddedDatabase first = EmbeddedDatabase.start(settings(home))) {
            EmbeddedDatabaseException refused = assertThrows(EmbeddedDatabaseException.class,
                    () -> EmbeddedDatabase.start(settings(home)));
            assertTrue(refused.getMessage().contains(home.toString()), refused.getMessage());
            assertTrue(refused.getMessage().contains("in use by another Chorus process"), refused.getMessage());
            assertEquals("1", queryOne(first, "SELECT 1"));
        }
    }

    @Test
    void refusesADirectoryHoldingSomeoneElsesFilesAndTouchesNothing() throws IOException {
        Files.writeString(home.resolve("thesis.tex"), "precious");
        EmbeddedDatabaseException refused = assertThrows(EmbeddedDatabaseException.class,
                () -> EmbeddedDatabase.start(settings(home)));
        assertTrue(refused.getMessage().contains(home.toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains("thesis.tex"), refused.getMessage());
        assertEquals("precious", Files.readString(home.resolve("thesis.tex")));
        assertTrue(Files.notExists(home.resolve(DataHome.CLUSTER_DIR)));
    }

    @Test
    void refusesAClusterOfAnotherPostgresqlVersion() throws IOException {
        Path cluster = Files.createDirectories(home.resolve(DataHome.CLUSTER_DIR));
        Files.writeString(cluster.resolve("PG_VERSION"), "15\n");
        EmbeddedDatabaseException refused = assertThrows(EmbeddedDatabaseException.class,
                () -> EmbeddedDatabase.start(settings(home)));
        assertTrue(refused.getMessage().contains("created by PostgreSQL 15"), refused.getMessage());
        assertEquals("15\n", Files.readString(cluster.resolve("PG_VERSION")));
    }

    @Test
    void refusesAHalfCreatedClusterWithoutDeletingIt() throws IOException {
        Path cluster = Files.createDirectories(home.resolve(DataHome.CLUSTER_DIR));
        Files.writeString(cluster.resolve("postgresql.conf"), "# partial\n");
        EmbeddedDatabaseException refused = assertThrows(EmbeddedDatabaseException.class,
                () -> EmbeddedDatabase.start(settings(home)));
        assertTrue(refused.getMessage().contains("is damaged: PG_VERSION is missing"), refused.getMessage());
        assertTrue(refused.getMessage().contains("deleted nothing"), refused.getMessage());
        assertTrue(Files.exists(cluster.resolve("postgresql.conf")));
    }

    @Test
    void reportsTheServersOwnWordsWhenACorruptClusterCannotStart() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(settings(home))) {
            execute(db, "CREATE TABLE note (text TEXT)");
        }
        Path control = home.resolve(DataHome.CLUSTER_DIR).resolve("global/pg_control");
        Files.write(control, new byte[64]);

        EmbeddedDatabaseException refused = assertThrows(EmbeddedDatabaseException.class,
                () -> EmbeddedDatabase.start(new EmbeddedDatabaseSettings(home, 0, Duration.ofSeconds(10))));

        assertTrue(refused.getMessage().contains("did not start on " + home.resolve(DataHome.CLUSTER_DIR)),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("pg_control"), "the server log tail explains why: "
                + refused.getMessage());
        assertTrue(Files.exists(home.resolve(DataHome.CLUSTER_DIR).resolve("base")), "nothing was deleted");
        // The failed attempt released the directory: a repaired cluster could be started again.
        DataHomeLock.acquire(home).close();
    }

    @Test
    void refusesAFileWhereTheDirectoryShouldBe() throws IOException {
        Path file = Files.writeString(home.resolve("not-a-dir"), "x");
        EmbeddedDatabaseException refused = assertThrows(EmbeddedDatabaseException.class,
                () -> EmbeddedDatabase.start(settings(file)));
        assertTrue(refused.getMessage().contains("is a file, not a directory"), refused.getMessage());
    }
}

package dev.chorus.database;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.jboss.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server owned by this process, its data kept in a directory across restarts.
 * It listens on 127.0.0.1 only; Chorus connects as the {@value #USER} role to the
 * {@value #DATABASE} database, both created on first start.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    public static final String DATABASE = "chorus";
    public static final String USER = "chorus";

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);
    private static final int LOG_TAIL_LINES = 15;

    private final Path home;
    private final DataHomeLock lock;
    private final EmbeddedPostgres server;

    private EmbeddedDatabase(Path home, DataHomeLock lock, EmbeddedPostgres server) {
        this.home = home;
        this.lock = lock;
        this.server = server;
    }

    /** Starts the server, creating the cluster on first use; refuses unusable directories. */
    public static EmbeddedDatabase start(EmbeddedDatabaseSettings settings) {
        Path home = settings.home();
        DataHome.prepare(home);
        DataHomeLock lock = DataHomeLock.acquire(home);
        try {
            Path cluster = home.resolve(DataHome.CLUSTER_DIR);
            boolean firstStart = DataHome.needsInit(cluster);
            if (!firstStart) {
                OrphanedServer.stopIfRunning(cluster);
            }
            EmbeddedPostgres server = startServer(settings, cluster, firstStart);
            EmbeddedDatabase database = new EmbeddedDatabase(home, lock, server);
            database.ensureRoleAndDatabase();
            return database;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static EmbeddedPostgres startServer(EmbeddedDatabaseSettings settings, Path cluster, boolean firstStart) {
        Path serverLog = settings.home().resolve(DataHome.SERVER_LOG);
        LOG.infof("%s embedded PostgreSQL in %s", firstStart ? "Creating" : "Starting", cluster);
        try {
            return EmbeddedPostgres.builder()
                    .setDataDirectory(cluster)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPort(settings.port())
                    .setPGStartupWait(settings.startupTimeout())
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // The library's defaults trade durability for speed; a registry must not.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "100")
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new EmbeddedDatabaseException("Embedded PostgreSQL did not start on " + cluster + ": " + e.getMessage()
                    + ". Chorus deleted nothing. The server's last words (" + serverLog + "):\n"
                    + tail(serverLog), e);
        }
    }

    private void ensureRoleAndDatabase() {
        try (Connection c = server.getPostgresDatabase().getConnection()) {
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", USER)) {
                execute(c, "CREATE ROLE " + USER + " LOGIN");
            }
            if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", DATABASE)) {
                execute(c, "CREATE DATABASE " + DATABASE + " OWNER " + USER + " ENCODING 'UTF8'");
            }
        } catch (SQLException e) {
            close();
            throw new EmbeddedDatabaseException("Embedded PostgreSQL in " + home
                    + " started but its '" + DATABASE + "' database could not be prepared: " + e.getMessage(), e);
        }
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    public Path home() {
        return home;
    }

    public int port() {
        return server.getPort();
    }

    /** Stops the server (fast shutdown: sessions are ended, committed data is kept) and unlocks. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.errorf(e, "Embedded PostgreSQL in %s did not stop cleanly", home);
        } finally {
            lock.close();
        }
    }
}

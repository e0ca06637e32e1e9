package dev.chorus.database;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to run the embedded PostgreSQL.
 *
 * @param home           the directory that holds the cluster and its lock; kept across restarts
 * @param port           TCP port on 127.0.0.1, 0 for any free port
 * @param startupTimeout how long the server may take to accept connections
 */
public record EmbeddedDatabaseSettings(Path home, int port, Duration startupTimeout) {

    public static final String DATA_DIR = "chorus.database.embedded.data-dir";
    public static final String PORT = "chorus.database.embedded.port";
    public static final String STARTUP_TIMEOUT = "chorus.database.embedded.startup-timeout";
    public static final String ENABLED = "chorus.database.embedded.enabled";

    public static Path defaultHome() {
        return Path.of(System.getProperty("user.home"), ".chorus", "postgres");
    }

    public EmbeddedDatabaseSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(PORT + " must be between 0 and 65535, was " + port);
        }
        if (startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException(STARTUP_TIMEOUT + " must be positive, was " + startupTimeout);
        }
        home = home.toAbsolutePath().normalize();
    }
}

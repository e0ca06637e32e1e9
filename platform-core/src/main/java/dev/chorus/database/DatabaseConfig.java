package dev.chorus.database;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Chorus's database settings. The datasource itself is Quarkus' ({@code quarkus.datasource.*});
 * the embedded group is read before CDI exists, by {@link EmbeddedDatabaseConfigSourceFactory},
 * and is declared here so it is documented and validated like any other setting.
 */
@ConfigMapping(prefix = "chorus.database")
public interface DatabaseConfig {

    /** How long the start-up check may wait for the database before Chorus gives up and exits. */
    @WithDefault("15s")
    Duration connectTimeout();

    Embedded embedded();

    interface Embedded {
        /** Start an embedded PostgreSQL when no quarkus.datasource.jdbc.url is set. */
        @WithDefault("true")
        boolean enabled();

        /** Where its data lives; default ~/.chorus/postgres. */
        Optional<String> dataDir();

        /** Port on 127.0.0.1; 0 picks a free one at every start. */
        @WithDefault("0")
        int port();

        @WithDefault("60s")
        Duration startupTimeout();
    }
}

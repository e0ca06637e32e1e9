package dev.chorus.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server that Chorus did not start: to Chorus it is just a URL, like a managed
 * database in production. Also points the embedded data directory somewhere that must never
 * come into existence.
 */
public class ExternalPostgresResource implements QuarkusTestResourceLifecycleManager {

    public static final Path NEVER_CREATED = Path.of("target/embedded-must-not-start-" + ProcessHandle.current().pid());

    private EmbeddedPostgres server;

    @Override
    public Map<String, String> start() {
        try {
            server = EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://localhost:" + server.getPort() + "/postgres",
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "unused-with-trust-auth",
                "chorus.database.embedded.data-dir", NEVER_CREATED.toString());
    }

    @Override
    public void stop() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.chorus.database;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;

/**
 * Supplies the datasource of the embedded PostgreSQL when no database URL is configured. With
 * {@code quarkus.datasource.jdbc.url} set (e.g. via QUARKUS_DATASOURCE_JDBC_URL) it supplies
 * nothing and the embedded server is never started.
 */
public class EmbeddedDatabaseConfigSourceFactory implements ConfigSourceFactory {

    static final String JDBC_URL = "quarkus.datasource.jdbc.url";
    static final String USERNAME = "quarkus.datasource.username";
    /** Above application.properties, below environment variables and system properties. */
    private static final int ORDINAL = 275;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!buildingRuntimeConfig()) {
            return List.of();
        }
        if (isSet(context, JDBC_URL) || !enabled(context)) {
            return List.of();
        }
        EmbeddedDatabase database = EmbeddedDatabaseRuntime.startOrReuse(settings(context));
        Map<String, String> values = Map.of(
                JDBC_URL, database.jdbcUrl(),
                USERNAME, database.user());
        return List.of(new MapBackedConfigSource("chorus-embedded-postgres", values, ORDINAL) {
        });
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    /**
     * Quarkus builds configuration many times: while augmenting the application (at build time
     * and before each test application), for the test framework, for static init. Only the
     * running application's runtime configuration, made by Quarkus' generated Config class,
     * may start the database.
     */
    private static boolean buildingRuntimeConfig() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(frame ->
                frame.getClassName().equals("io.quarkus.runtime.generated.Config")
                        && frame.getMethodName().equals("createRunTimeConfig")));
    }

    static EmbeddedDatabaseSettings settings(ConfigSourceContext context) {
        String dataDir = value(context, EmbeddedDatabaseSettings.DATA_DIR);
        String port = value(context, EmbeddedDatabaseSettings.PORT);
        String timeout = value(context, EmbeddedDatabaseSettings.STARTUP_TIMEOUT);
        return new EmbeddedDatabaseSettings(
                dataDir == null ? EmbeddedDatabaseSettings.defaultHome() : Path.of(expandHome(dataDir)),
                port == null ? 0 : Integer.parseInt(port),
                timeout == null ? Duration.ofSeconds(60) : Duration.parse("PT" + timeout.toUpperCase()));
    }

    private static boolean enabled(ConfigSourceContext context) {
        return !"false".equalsIgnoreCase(value(context, EmbeddedDatabaseSettings.ENABLED));
    }

    private static boolean isSet(ConfigSourceContext context, String name) {
        return value(context, name) != null;
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        if (value == null || value.getValue() == null || value.getValue().isBlank()) {
            return null;
        }
        return value.getValue().strip();
    }

    private static String expandHome(String path) {
        return path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
    }
}

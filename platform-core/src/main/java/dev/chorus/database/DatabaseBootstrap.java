package dev.chorus.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Makes the database ready before anything else starts using it: first a bounded check that
 * the server answers (so a wrong URL ends start-up with a clear message instead of a hang),
 * then the Flyway migrations, the only thing that ever creates or changes the schema.
 */
@ApplicationScoped
public class DatabaseBootstrap {

    private static final Logger LOG = Logger.getLogger(DatabaseBootstrap.class);

    private final Flyway flyway;
    private final DatabaseConfig config;
    private final String url;
    private final String user;
    private final Optional<String> password;

    DatabaseBootstrap(Flyway flyway, DatabaseConfig config,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.flyway = flyway;
        this.config = config;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        String serverVersion = checkReachable();
        LOG.infof("Database: %s, %s", describe(), serverVersion);
        MigrateResult result = flyway.migrate();
        LOG.infof("Database schema at version %s (%d migration(s) applied now)",
                result.targetSchemaVersion == null ? flyway.info().current().getVersion() : result.targetSchemaVersion,
                result.migrationsExecuted);
    }

    public DatabaseDescription describe() {
        Optional<EmbeddedDatabase> embedded = EmbeddedDatabaseRuntime.current();
        return new DatabaseDescription(embedded.isPresent(), JdbcUrls.redact(url), user,
                embedded.map(EmbeddedDatabase::home));
    }

    /** Connects once, outside the pool, with every timeout bounded; returns the server's version. */
    String checkReachable() {
        int seconds = (int) Math.max(1, config.connectTimeout().toSeconds());
        Properties properties = new Properties();
        properties.setProperty("user", user);
        password.ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("connectTimeout", Integer.toString(seconds));
        properties.setProperty("loginTimeout", Integer.toString(seconds));
        properties.setProperty("socketTimeout", Integer.toString(seconds));
        try (Connection connection = DriverManager.getConnection(url, properties);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SHOW server_version")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1);
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("Cannot use the database " + describe() + " (checked for up to "
                    + seconds + " s): " + withoutFinalPeriod(e.getMessage()) + ". Check QUARKUS_DATASOURCE_JDBC_URL, _USERNAME and"
                    + " _PASSWORD and that the server is running, or unset the URL to use the embedded database.", e);
        }
    }

    private static String withoutFinalPeriod(String message) {
        String text = message == null ? "no detail" : message.strip();
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}

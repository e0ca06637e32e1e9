package dev.chorus.platform;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.chorus.database.DatabaseBootstrap;
import dev.chorus.registry.BackboneVersion;
import io.quarkus.runtime.StartupEvent;

/** Records each start, announces where Chorus listens, and reports the platform's state. */
@ApplicationScoped
public class PlatformStatusService {

    private static final Logger LOG = Logger.getLogger(PlatformStatusService.class);

    @Inject
    DatabaseBootstrap database;
    @Inject
    ListenAddresses addresses;
    @Inject
    EntityManager entityManager;
    @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
    String version;

    private Instant startedAt;

    /** Runs after the database is migrated (DatabaseBootstrap observes earlier). */
    @Transactional
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION) StartupEvent event) {
        startedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        PlatformStart start = new PlatformStart();
        start.startedAt = startedAt;
        start.chorusVersion = version;
        start.host = hostName();
        start.pid = ProcessHandle.current().pid();
        start.databaseKind = database.describe().embedded() ? "EMBEDDED" : "EXTERNAL";
        start.persist();
        LOG.infof("Chorus %s is up (start #%d on this database, %d ms since JVM start): HTTP %s, gRPC %s,"
                + " console %s, database %s", version, PlatformStart.count(), uptimeMillis(), addresses.http(),
                addresses.grpc(), addresses.console(), database.describe());
    }

    @Transactional
    public PlatformStatus status() {
        Instant first = entityManager.createQuery("select min(s.startedAt) from PlatformStart s", Instant.class)
                .getSingleResult();
        String serverVersion = (String) entityManager.createNativeQuery("SHOW server_version").getSingleResult();
        List<?> schemaVersion = entityManager.createNativeQuery("select version from flyway_schema_history"
                + " where success and version is not null order by installed_rank desc limit 1").getResultList();
        return new PlatformStatus(version, database.describe(), "PostgreSQL " + serverVersion,
                schemaVersion.isEmpty() ? "none" : schemaVersion.get(0).toString(), BackboneVersion.count(),
                startedAt, PlatformStart.count(), first, addresses);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    private static long uptimeMillis() {
        return ManagementFactory.getRuntimeMXBean().getUptime();
    }
}

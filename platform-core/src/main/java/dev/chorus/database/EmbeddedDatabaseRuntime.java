package dev.chorus.database;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * The one embedded database of this application instance. Configuration is built more than once
 * per start, so the server is started on first demand and reused after that.
 *
 * <p>Stopping: normally on Quarkus' shutdown, after the application stopped using it. A JVM
 * shutdown hook covers a start that failed before Quarkus was up (it stops the server at once)
 * and otherwise waits, boundedly, for that orderly stop.
 */
public final class EmbeddedDatabaseRuntime {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabaseRuntime.class);
    private static final long ORDERLY_STOP_WAIT_SECONDS = 30;

    private static EmbeddedDatabase running;
    private static volatile boolean applicationUp;
    private static final CountDownLatch stopped = new CountDownLatch(1);

    private EmbeddedDatabaseRuntime() {
    }

    static synchronized EmbeddedDatabase startOrReuse(EmbeddedDatabaseSettings settings) {
        if (running == null) {
            running = EmbeddedDatabase.start(settings);
            Thread hook = new Thread(EmbeddedDatabaseRuntime::stopOnJvmExit, "chorus-embedded-postgres-stop");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        return running;
    }

    public static synchronized Optional<EmbeddedDatabase> current() {
        return Optional.ofNullable(running);
    }

    static void markApplicationUp() {
        applicationUp = true;
    }

    static void stop() {
        EmbeddedDatabase database;
        synchronized (EmbeddedDatabaseRuntime.class) {
            database = running;
            running = null;
        }
        if (database != null) {
            LOG.infof("Stopping embedded PostgreSQL in %s", database.home());
            database.close();
        }
        stopped.countDown();
    }

    private static void stopOnJvmExit() {
        if (applicationUp) {
            try {
                if (stopped.await(ORDERLY_STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stop();
    }
}

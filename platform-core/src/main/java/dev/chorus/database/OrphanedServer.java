package dev.chorus.database;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

/**
 * PostgreSQL runs as its own process. When the Chorus JVM is killed (SIGKILL, OOM killer) its
 * server keeps running and keeps the cluster locked. Once this process holds the Chorus lock,
 * such a server can only be an orphan of a dead Chorus: stop it cleanly (SIGTERM is PostgreSQL's
 * "smart" shutdown, which finishes and checkpoints) before starting a fresh one.
 */
final class OrphanedServer {

    private static final Logger LOG = Logger.getLogger(OrphanedServer.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private OrphanedServer() {
    }

    static void stopIfRunning(Path cluster) {
        Path pidFile = cluster.resolve("postmaster.pid");
        Optional<ProcessHandle> server = readPid(pidFile).flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(OrphanedServer::isPostgres);
        if (server.isEmpty()) {
            return; // none, or a stale pid file: PostgreSQL itself ignores a dead pid.
        }
        ProcessHandle process = server.get();
        LOG.warnf("Found PostgreSQL (pid %d) left running on %s by a Chorus process that ended without"
                + " stopping it; stopping it before starting a new one", process.pid(), cluster);
        process.destroy();
        try {
            process.onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new EmbeddedDatabaseException("A PostgreSQL server left behind by an earlier Chorus (pid "
                    + process.pid() + ") still runs on " + cluster + " and did not stop within "
                    + STOP_WAIT.toSeconds() + " s. Stop it (kill " + process.pid() + ") and start Chorus again.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedDatabaseException("Interrupted while stopping PostgreSQL pid " + process.pid(), e);
        } catch (ExecutionException e) {
            throw new EmbeddedDatabaseException("Could not wait for PostgreSQL pid " + process.pid() + " to stop", e);
        }
    }

    private static Optional<Long> readPid(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Guards against a recycled pid that now belongs to an unrelated program. */
    private static boolean isPostgres(ProcessHandle process) {
        return process.info().command().map(cmd -> cmd.endsWith("/postgres") || cmd.endsWith("/postmaster"))
                .orElse(false);
    }
}

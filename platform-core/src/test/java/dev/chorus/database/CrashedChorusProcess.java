package dev.chorus.database;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Stands in for a Chorus JVM in the crash test: starts the embedded database, says where it
 * listens, and waits to be killed.
 */
public final class CrashedChorusProcess {

    private CrashedChorusProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedDatabase db = EmbeddedDatabase.start(
                new EmbeddedDatabaseSettings(Path.of(args[0]), 0, Duration.ofSeconds(60)));
        System.out.println("READY " + db.jdbcUrl());
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(5));
    }
}

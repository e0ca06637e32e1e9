package dev.chorus.database;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Which database this Chorus uses, as it may be shown to people: URL without password.
 *
 * @param embedded      true for the server this process started
 * @param url           the JDBC URL, redacted
 * @param user          the role Chorus connects as
 * @param dataDirectory for the embedded server, where its data lives
 */
public record DatabaseDescription(boolean embedded, String url, String user, Optional<Path> dataDirectory) {

    public String kindName() {
        return embedded ? "embedded PostgreSQL" : "external PostgreSQL";
    }

    @Override
    public String toString() {
        return kindName() + " at " + url + " as '" + user + "'"
                + dataDirectory.map(dir -> " (data in " + dir + ")").orElse("");
    }
}

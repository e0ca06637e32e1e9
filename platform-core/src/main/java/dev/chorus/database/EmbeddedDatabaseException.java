package dev.chorus.database;

/**
 * The embedded PostgreSQL cannot be used. The message names the directory, says what was found
 * and what the admin can do; Chorus never deletes anything to get past one of these.
 */
public class EmbeddedDatabaseException extends RuntimeException {

    public EmbeddedDatabaseException(String message) {
        super(message);
    }

    public EmbeddedDatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}

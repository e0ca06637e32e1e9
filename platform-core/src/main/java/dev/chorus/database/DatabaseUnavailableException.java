package dev.chorus.database;

/** The configured database cannot be reached or used; the message names it without secrets. */
public class DatabaseUnavailableException extends RuntimeException {

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

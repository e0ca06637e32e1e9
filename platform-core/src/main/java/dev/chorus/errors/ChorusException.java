package dev.chorus.errors;

/**
 * A request Chorus refuses for a reason the caller can act on. Each kind maps to one gRPC status
 * code (and later one HTTP status) in a single place, the transport's error mapping.
 */
public abstract class ChorusException extends RuntimeException {

    protected ChorusException(String message) {
        super(message);
    }
}

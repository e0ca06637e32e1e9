package dev.chorus.errors;

/** The request cannot be queued now: the service is at capacity; retry later with backoff. */
public class OverloadedException extends ChorusException {

    public OverloadedException(String message) {
        super(message);
    }
}

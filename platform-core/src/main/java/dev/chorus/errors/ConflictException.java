package dev.chorus.errors;

/** The request is well-formed but the current state does not allow it. */
public class ConflictException extends ChorusException {

    public ConflictException(String message) {
        super(message);
    }
}

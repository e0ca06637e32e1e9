package dev.chorus.errors;

/** Stored data no longer matches the checksum recorded when it was written: it must not be used. */
public class IntegrityException extends ChorusException {

    public IntegrityException(String message) {
        super(message);
    }
}

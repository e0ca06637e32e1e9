package dev.chorus.errors;

/** Something needed for the request cannot be used right now (e.g. a version cannot be loaded). */
public class UnavailableException extends ChorusException {

    public UnavailableException(String message) {
        super(message);
    }
}

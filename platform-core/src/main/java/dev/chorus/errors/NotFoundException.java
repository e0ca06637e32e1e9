package dev.chorus.errors;

/** The named thing does not exist. */
public class NotFoundException extends ChorusException {

    public NotFoundException(String message) {
        super(message);
    }
}

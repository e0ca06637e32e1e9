package dev.chorus.errors;

/** Something with that name exists already. */
public class AlreadyExistsException extends ChorusException {

    public AlreadyExistsException(String message) {
        super(message);
    }
}

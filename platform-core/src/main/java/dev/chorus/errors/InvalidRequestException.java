package dev.chorus.errors;

/** The request itself is malformed: missing or out-of-range fields. */
public class InvalidRequestException extends ChorusException {

    public InvalidRequestException(String message) {
        super(message);
    }
}

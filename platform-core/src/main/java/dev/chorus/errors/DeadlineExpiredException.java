package dev.chorus.errors;

/** The caller's deadline passed before the work was done; the work was skipped. */
public class DeadlineExpiredException extends ChorusException {

    public DeadlineExpiredException(String message) {
        super(message);
    }
}

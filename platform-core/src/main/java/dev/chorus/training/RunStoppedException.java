package dev.chorus.training;

/** The run must stop now: cancelled by an admin, or its lease was lost to another worker. */
public class RunStoppedException extends Exception {

    private final boolean cancelled;

    RunStoppedException(String message, boolean cancelled) {
        super(message);
        this.cancelled = cancelled;
    }

    public boolean cancelled() {
        return cancelled;
    }
}

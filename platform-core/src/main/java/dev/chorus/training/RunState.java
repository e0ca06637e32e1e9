package dev.chorus.training;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import dev.chorus.errors.ConflictException;

/**
 * The life of a training run. The allowed transitions are data, here and nowhere else:
 * RUNNING goes back to QUEUED when its worker's lease expires (crash) or its worker restarts;
 * FAILED and CANCELLED go back to QUEUED when an admin retries.
 */
public enum RunState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    private static final Map<RunState, Set<RunState>> ALLOWED = Map.of(
            QUEUED, EnumSet.of(RUNNING, CANCELLED),
            RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, QUEUED),
            SUCCEEDED, EnumSet.noneOf(RunState.class),
            FAILED, EnumSet.of(QUEUED),
            CANCELLED, EnumSet.of(QUEUED));

    public boolean canBecome(RunState next) {
        return ALLOWED.get(this).contains(next);
    }

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    void requireCanBecome(RunState next, long runId) {
        if (!canBecome(next)) {
            throw new ConflictException("run " + runId + " is " + this + " and cannot become " + next);
        }
    }
}

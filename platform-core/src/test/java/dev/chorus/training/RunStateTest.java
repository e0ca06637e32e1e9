package dev.chorus.training;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.chorus.errors.ConflictException;

class RunStateTest {

    @Test
    void aRunIsLeasedFromTheQueueAndEndsOnce() {
        assertTrue(RunState.QUEUED.canBecome(RunState.RUNNING));
        assertTrue(RunState.RUNNING.canBecome(RunState.SUCCEEDED));
        assertTrue(RunState.RUNNING.canBecome(RunState.QUEUED), "a crashed worker's run is queued again");
        assertFalse(RunState.SUCCEEDED.canBecome(RunState.QUEUED), "a success is final");
        assertFalse(RunState.QUEUED.canBecome(RunState.SUCCEEDED), "nothing succeeds without running");
    }

    @Test
    void onlyFailedAndCancelledRunsAreRetried() {
        assertTrue(RunState.FAILED.canBecome(RunState.QUEUED));
        assertTrue(RunState.CANCELLED.canBecome(RunState.QUEUED));
        assertThrows(ConflictException.class, () -> RunState.SUCCEEDED.requireCanBecome(RunState.QUEUED, 1));
    }
}

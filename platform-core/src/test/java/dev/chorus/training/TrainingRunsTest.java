package dev.chorus.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.chorus.errors.ConflictException;
import dev.chorus.errors.InvalidRequestException;
import io.quarkus.test.junit.QuarkusTest;

/** The real tiny-mlp job on this process's worker: metrics, cancel, failure, retry. */
@QuarkusTest
class TrainingRunsTest {

    @Inject
    TrainingService training;

    long submit(Map<String, String> parameters) {
        return training.submit(new RunRequest(TinyMlpJob.NAME, parameters, null, null, 0, DeviceRequest.CPU, 3));
    }

    TrainingRun await(long run, Duration timeout, java.util.function.Predicate<TrainingRun> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        TrainingRun current = training.get(run);
        while (!condition.test(current)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out; run is " + current.state + " " + current.error);
            }
            Thread.sleep(50);
            current = training.get(run);
        }
        return current;
    }

    @Test
    void trainsRecordingEveryEpochAndLearns() throws Exception {
        long run = submit(Map.of("epochs", "3", "steps", "40"));
        TrainingRun done = await(run, Duration.ofSeconds(60), r -> r.state.isTerminal());
        assertEquals(RunState.SUCCEEDED, done.state, done.error);
        List<EpochMetrics> epochs = training.epochs(run);
        assertEquals(List.of(1, 2, 3), epochs.stream().map(EpochMetrics::epoch).toList());
        EpochMetrics last = epochs.get(2);
        assertTrue(last.validationAccuracy() > 0.8, "validation accuracy " + last.validationAccuracy());
        assertTrue(last.imagesPerSecond() > 0);
        assertEquals(1.0f, done.fraction, 1e-6);
        assertEquals("cpu", done.device);
    }

    @Test
    void cancelStopsARunningRunWithinAStep() throws Exception {
        long run = submit(Map.of("epochs", "100000", "steps", "50"));
        await(run, Duration.ofSeconds(30), r -> r.state == RunState.RUNNING && r.step != null && r.step > 0);
        assertEquals(RunState.RUNNING, training.cancel(run));
        TrainingRun cancelled = await(run, Duration.ofSeconds(10), r -> r.state.isTerminal());
        assertEquals(RunState.CANCELLED, cancelled.state);
        assertThrows(ConflictException.class, () -> training.cancel(run), "a finished run cannot be cancelled");
    }

    @Test
    void aRunThatThrowsEndsFailedWithItsMessageAndCanBeRetried() throws Exception {
        long run = submit(Map.of("steps", "-3"));
        TrainingRun failed = await(run, Duration.ofSeconds(30), r -> r.state.isTerminal());
        assertEquals(RunState.FAILED, failed.state);
        assertEquals("steps must be positive, was -3", failed.error);

        training.retry(run);
        TrainingRun again = await(run, Duration.ofSeconds(30), r -> r.state.isTerminal() && r.attempt == 1);
        assertEquals(RunState.FAILED, again.state, "the same parameters fail the same way");
        assertTrue(training.transitions(run).stream().anyMatch(t -> t.contains("retried by an admin")));
    }

    @Test
    void refusesUnknownKindsAndBadRequests() {
        assertThrows(InvalidRequestException.class, () -> training.submit(
                new RunRequest("no-such-kind", Map.of(), null, null, 0, DeviceRequest.CPU, 3)));
        assertThrows(InvalidRequestException.class, () -> training.submit(
                new RunRequest(TinyMlpJob.NAME, Map.of(), null, null, 0, DeviceRequest.CPU, 0)));
        assertTrue(training.list(Optional.of(RunState.QUEUED), Optional.of("no-such-ensemble"), 10).isEmpty());
    }
}

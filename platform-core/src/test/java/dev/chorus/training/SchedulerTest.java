package dev.chorus.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Workers sharing one PostgreSQL: racing, crashing, restarting. Each test uses job kinds of its
 * own, so only the workers it starts can take its runs.
 */
@QuarkusTest
class SchedulerTest {

    @Inject
    DataSource dataSource;
    @Inject
    TrainingService training;

    final List<SchedulerCore> workers = new ArrayList<>();

    @AfterEach
    void stopWorkers() {
        workers.forEach(SchedulerCore::close);
    }

    RunQueue queue() {
        return new RunQueue(dataSource);
    }

    SchedulerCore worker(String id, int slots, Map<String, JobKind> kinds, Devices devices) {
        SchedulerCore core = new SchedulerCore(queue(), kinds, new SchedulerSettings(id, slots, 1,
                Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofMillis(50)), devices);
        workers.add(core);
        core.start();
        return core;
    }

    static JobKind kind(String name, ThrowingConsumer body) {
        return new JobKind() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void run(RunContext context) throws Exception {
                body.accept(context);
            }
        };
    }

    interface ThrowingConsumer {
        void accept(RunContext context) throws Exception;
    }

    long submit(String kind, int priority, DeviceRequest device, int maxAttempts) {
        return queue().submit(new RunRequest(kind, Map.of(), null, null, priority, device, maxAttempts));
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    RunState state(long runId) {
        return training.get(runId).state;
    }

    @Test
    void twoWorkersRacingOverManyRunsNeverRunOneTwice() throws Exception {
        Map<Long, Integer> executions = new ConcurrentHashMap<>();
        Set<String> executedBy = ConcurrentHashMap.newKeySet();
        List<Long> runs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            runs.add(submit("race", 0, DeviceRequest.CPU, 3));
        }
        for (String id : List.of("racer-a", "racer-b")) {
            worker(id, 2, Map.of("race", kind("race", context -> {
                executions.merge(context.runId(), 1, Integer::sum);
                executedBy.add(id);
                context.checkCancelled();
            })), Devices.cpuOnly());
        }
        await("all 40 runs to succeed", Duration.ofSeconds(60),
                () -> runs.stream().allMatch(id -> state(id) == RunState.SUCCEEDED));
        assertEquals(40, executions.size());
        assertTrue(executions.values().stream().allMatch(count -> count == 1), "executions: " + executions);
        runs.forEach(id -> assertEquals(1, training.get(id).attempt));
    }

    @Test
    void aRunWhoseWorkerStopsRenewingItsLeaseIsTakenOverByAnother() throws Exception {
        long run = submit("recoverable", 0, DeviceRequest.CPU, 3);
        // A worker that leases the run and then dies: no heartbeat ever comes.
        queue().claim("crashed-worker", "gone", Set.of(DeviceRequest.CPU), Set.of("recoverable"), "cpu",
                Duration.ofMillis(500));
        assertEquals(RunState.RUNNING, state(run));

        worker("rescuer", 1, Map.of("recoverable", kind("recoverable", context -> { })), Devices.cpuOnly());

        await("the rescuer to finish the run", Duration.ofSeconds(20), () -> state(run) == RunState.SUCCEEDED);
        assertEquals(2, training.get(run).attempt);
        assertTrue(training.transitions(run).stream().anyMatch(t -> t.contains("stopped renewing the lease")),
                "transitions: " + training.transitions(run));
    }

    @Test
    void aRunThatKeepsLosingItsWorkerFailsAfterTheLastAttempt() throws Exception {
        long run = submit("doomed", 0, DeviceRequest.CPU, 1);
        queue().claim("crashed-worker", "gone", Set.of(DeviceRequest.CPU), Set.of("doomed"), "cpu",
                Duration.ofMillis(200));
        Thread.sleep(400);
        queue().recoverExpired();
        TrainingRun failed = training.get(run);
        assertEquals(RunState.FAILED, failed.state);
        assertTrue(failed.error.contains("on attempt 1 of 1; giving up"), failed.error);
    }

    @Test
    void aRestartedWorkerRequeuesTheRunsItHeldAtOnce() throws Exception {
        long run = submit("phoenix-job", 0, DeviceRequest.CPU, 3);
        queue().claim("phoenix", "before-restart", Set.of(DeviceRequest.CPU), Set.of("phoenix-job"), "cpu",
                Duration.ofMinutes(10));

        worker("phoenix", 1, Map.of("phoenix-job", kind("phoenix-job", context -> { })), Devices.cpuOnly());

        await("the restarted worker to run it again", Duration.ofSeconds(10), () -> state(run) == RunState.SUCCEEDED);
        assertTrue(training.transitions(run).stream().anyMatch(t -> t.contains("worker phoenix restarted")));
    }

    @Test
    void higherPriorityRunsGoFirst() throws Exception {
        List<Long> order = Collections.synchronizedList(new ArrayList<>());
        long low = submit("ordered", 0, DeviceRequest.CPU, 3);
        long high = submit("ordered", 10, DeviceRequest.CPU, 3);
        long middle = submit("ordered", 5, DeviceRequest.CPU, 3);
        worker("one-slot", 1, Map.of("ordered", kind("ordered", context -> order.add(context.runId()))),
                Devices.cpuOnly());
        await("all three", Duration.ofSeconds(20), () -> order.size() == 3);
        assertEquals(List.of(high, middle, low), order);
    }

    @Test
    void gpuRequiredRunsWaitSayingWhyAndGoToAWorkerWithAGpu() throws Exception {
        long run = submit("on-gpu", 0, DeviceRequest.GPU_REQUIRED, 3);
        worker("cpu-box", 1, Map.of("on-gpu", kind("on-gpu", context -> { })), Devices.cpuOnly());
        await("a reason to wait", Duration.ofSeconds(10), () -> training.get(run).waitingReason != null);
        assertEquals(RunState.QUEUED, state(run));
        assertTrue(training.get(run).waitingReason.startsWith("waiting for a GPU"));

        // There is no GPU on this machine: a worker that believes it has one stands in for it.
        List<String> devices = Collections.synchronizedList(new ArrayList<>());
        worker("gpu-box", 0, Map.of("on-gpu", kind("on-gpu", context -> devices.add(context.device()))),
                new Devices(List.of(new Devices.Gpu(0, 16L << 30))));
        await("the GPU worker to run it", Duration.ofSeconds(10), () -> state(run) == RunState.SUCCEEDED);
        assertEquals(List.of("gpu(0)"), devices);
    }
}

package dev.chorus.training;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * One worker: device slots, a loop that leases runs while a slot is free, heartbeats for the
 * runs it holds, and recovery of runs whose worker died. Any number of these can share one
 * database; each run executes on one of them at a time.
 */
public final class SchedulerCore implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SchedulerCore.class);

    private final RunQueue queue;
    private final Map<String, JobKind> kinds;
    private final SchedulerSettings settings;
    private final Devices devices;
    private final String instance = UUID.randomUUID().toString();
    private final List<Slot> slots = new ArrayList<>();
    private final Map<Long, RunningJob> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2,
            Thread.ofPlatform().name("chorus-scheduler-", 0).daemon().factory());
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().name("chorus-run-", 0).factory());
    private volatile boolean closed;

    /** A kind of device with a number of places for runs, and which requests it serves. */
    private record Slot(String device, Semaphore free, Set<DeviceRequest> serves) {
    }

    public SchedulerCore(RunQueue queue, Map<String, JobKind> kinds, SchedulerSettings settings, Devices devices) {
        this.queue = queue;
        this.kinds = Map.copyOf(kinds);
        this.settings = settings;
        this.devices = devices;
        for (Devices.Gpu gpu : devices.gpus()) {
            slots.add(new Slot(gpu.name(), new Semaphore(settings.gpuSlotsPerDevice()),
                    EnumSet.of(DeviceRequest.GPU_REQUIRED, DeviceRequest.GPU_PREFERRED)));
        }
        slots.add(new Slot("cpu", new Semaphore(settings.cpuSlots()),
                EnumSet.of(DeviceRequest.CPU, DeviceRequest.GPU_PREFERRED)));
    }

    public void start() {
        int requeued = queue.requeueOwnStale(settings.workerId(), instance);
        if (requeued > 0) {
            LOG.warnf("Worker %s re-queued %d run(s) it held before it restarted", settings.workerId(), requeued);
        }
        long poll = settings.pollInterval().toMillis();
        long heartbeat = settings.heartbeatInterval().toMillis();
        timers.scheduleWithFixedDelay(this::pollSafely, 0, poll, TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(this::heartbeatSafely, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
        LOG.infof("Training worker %s started: %d CPU slot(s), %d GPU(s) × %d slot(s), lease %s", settings.workerId(),
                settings.cpuSlots(), devices.gpus().size(), settings.gpuSlotsPerDevice(), settings.lease());
    }

    /** Looks for work now instead of at the next poll (after a submit). */
    public void wake() {
        if (!closed) {
            timers.execute(this::pollSafely);
        }
    }

    /** Asks a run executing here to stop at its next step. */
    public boolean cancelLocally(long runId) {
        RunningJob job = running.get(runId);
        if (job == null) {
            return false;
        }
        job.stop("cancelled by an admin", true);
        return true;
    }

    private synchronized void pollSafely() {
        try {
            queue.recoverExpired();
            for (Slot slot : slots) {
                while (!closed && slot.free().tryAcquire()) {
                    Optional<Lease> lease = queue.claim(settings.workerId(), instance, slot.serves(), kinds.keySet(),
                            slot.device(), settings.lease());
                    if (lease.isEmpty()) {
                        slot.free().release();
                        break;
                    }
                    execute(lease.get(), slot);
                }
            }
            if (devices.gpus().isEmpty()) {
                queue.explainWaiting(DeviceRequest.GPU_REQUIRED, "waiting for a GPU: worker " + settings.workerId()
                        + " has none (the MXNet build Chorus ships is CPU-only) and no worker with one took it");
            }
        } catch (RuntimeException e) {
            LOG.warnf("Training worker %s could not poll the run queue: %s", settings.workerId(), e.getMessage());
        }
    }

    private void execute(Lease lease, Slot slot) {
        RunningJob job = new RunningJob(lease, queue, instance);
        running.put(lease.runId(), job);
        workers.execute(() -> {
            try {
                run(job);
            } finally {
                running.remove(lease.runId());
                slot.free().release();
                wake();
            }
        });
    }

    private void run(RunningJob job) {
        Lease lease = job.lease();
        JobKind kind = kinds.get(lease.kind());
        if (kind == null) {
            queue.finish(lease.runId(), instance, RunState.FAILED, "no such job kind",
                    "no job kind '" + lease.kind() + "' on worker " + settings.workerId() + "; known: " + kinds.keySet());
            return;
        }
        LOG.infof("Run %d (%s) started on %s, attempt %d", lease.runId(), lease.kind(), lease.device(),
                lease.attempt());
        try {
            kind.run(job);
            job.checkCancelled();
            if (queue.finish(lease.runId(), instance, RunState.SUCCEEDED, "completed", null)) {
                LOG.infof("Run %d succeeded", lease.runId());
            }
        } catch (RunStoppedException e) {
            stopped(job, e);
        } catch (Exception | LinkageError | OutOfMemoryError e) {
            String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            if (job.stopReason() != null) {
                stopped(job, new RunStoppedException(job.stopReason(), job.cancelled()));
                return;
            }
            LOG.warnf(e, "Run %d failed", lease.runId());
            queue.finish(lease.runId(), instance, RunState.FAILED, "failed", message);
        }
    }

    private void stopped(RunningJob job, RunStoppedException e) {
        long id = job.lease().runId();
        if (closed && !e.cancelled()) {
            queue.release(id, instance, "worker " + settings.workerId() + " shut down; re-queued");
        } else if (e.cancelled()) {
            queue.finish(id, instance, RunState.CANCELLED, e.getMessage(), null);
            LOG.infof("Run %d cancelled", id);
        } else {
            LOG.warnf("Run %d stopped on this worker: %s", id, e.getMessage());
        }
    }

    private void heartbeatSafely() {
        for (RunningJob job : running.values()) {
            try {
                RunQueue.Heartbeat beat = queue.heartbeat(job.lease().runId(), settings.workerId(), instance,
                        settings.lease());
                if (!beat.owned()) {
                    job.stop("this worker lost its lease on the run", false);
                } else if (beat.cancelRequested()) {
                    job.stop("cancelled by an admin", true);
                }
            } catch (RuntimeException e) {
                LOG.warnf("Heartbeat for run %d failed: %s", job.lease().runId(), e.getMessage());
            }
        }
    }

    public String workerId() {
        return settings.workerId();
    }

    public Devices devices() {
        return devices;
    }

    /** Stops taking work, asks running jobs to stop and gives their runs back to the queue. */
    @Override
    public void close() {
        closed = true;
        timers.shutdownNow();
        running.values().forEach(job -> job.stop("worker shutting down", false));
        workers.shutdown();
        try {
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warnf("Training jobs did not stop within 30 s; their leases will expire");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

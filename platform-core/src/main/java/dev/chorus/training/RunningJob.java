package dev.chorus.training;

import java.util.Map;
import java.util.Optional;

/** The context of one run executing on this worker, and the switch that stops it. */
final class RunningJob implements RunContext {

    private final Lease lease;
    private final RunQueue queue;
    private final String instance;
    private final Map<String, String> parameters;
    private volatile String stopReason;
    private volatile boolean cancelled;

    RunningJob(Lease lease, RunQueue queue, String instance) {
        this.lease = lease;
        this.queue = queue;
        this.instance = instance;
        this.parameters = RunRequest.parseParameters(lease.parameters());
    }

    Lease lease() {
        return lease;
    }

    void stop(String reason, boolean byCancel) {
        cancelled = byCancel;
        stopReason = reason;
    }

    String stopReason() {
        return stopReason;
    }

    boolean cancelled() {
        return cancelled;
    }

    @Override
    public long runId() {
        return lease.runId();
    }

    @Override
    public int attempt() {
        return lease.attempt();
    }

    @Override
    public String device() {
        return lease.device();
    }

    @Override
    public Map<String, String> parameters() {
        return parameters;
    }

    @Override
    public Optional<String> checkpoint() {
        return lease.checkpoint();
    }

    @Override
    public void saveCheckpoint(String checkpoint) {
        queue.checkpoint(lease.runId(), instance, checkpoint);
    }

    @Override
    public void progress(String phase, Integer epoch, Long step, Double fraction, Double etaSeconds) {
        queue.progress(lease.runId(), instance, phase, epoch, step, fraction, etaSeconds);
    }

    @Override
    public void recordEpoch(EpochMetrics metrics) {
        queue.recordEpoch(lease.runId(), lease.attempt(), metrics);
    }

    @Override
    public void checkCancelled() throws RunStoppedException {
        String reason = stopReason;
        if (reason != null) {
            throw new RunStoppedException(reason, cancelled);
        }
    }
}

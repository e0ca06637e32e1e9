package dev.chorus.training;

import java.time.Duration;

/**
 * @param workerId          stable name of this worker (survives restarts: its stale runs are re-queued at start)
 * @param cpuSlots          runs this worker executes at once on its CPU
 * @param gpuSlotsPerDevice runs it executes at once on each GPU
 */
public record SchedulerSettings(String workerId, int cpuSlots, int gpuSlotsPerDevice, Duration lease,
        Duration heartbeatInterval, Duration pollInterval) {

    public SchedulerSettings {
        if (cpuSlots < 0 || gpuSlotsPerDevice < 0) {
            throw new IllegalArgumentException("slots cannot be negative");
        }
        if (heartbeatInterval.compareTo(lease) >= 0) {
            throw new IllegalArgumentException("the heartbeat interval (" + heartbeatInterval
                    + ") must be shorter than the lease (" + lease + ")");
        }
    }
}

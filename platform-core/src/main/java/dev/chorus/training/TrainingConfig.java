package dev.chorus.training;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** This process's training worker. */
@ConfigMapping(prefix = "chorus.training")
public interface TrainingConfig {

    /** Run training jobs in this process (a serving-only replica sets false). */
    @WithDefault("true")
    boolean workerEnabled();

    /** Stable worker name; default: the host name. Runs it held before a restart are re-queued at start. */
    Optional<String> workerId();

    @WithDefault("1")
    int cpuSlots();

    @WithDefault("1")
    int gpuSlotsPerDevice();

    /** A run whose worker has not renewed its lease for this long is taken back. */
    @WithDefault("30s")
    Duration lease();

    @WithDefault("5s")
    Duration heartbeatInterval();

    @WithDefault("1s")
    Duration pollInterval();
}

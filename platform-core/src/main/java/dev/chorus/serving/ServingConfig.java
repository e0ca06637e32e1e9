package dev.chorus.serving;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Serving: payload limits, the loaded-version cache, and dynamic batching (defaults and per ensemble). */
@ConfigMapping(prefix = "chorus.serving")
public interface ServingConfig {

    /** Largest encoded image or raw tensor accepted, in bytes. */
    @WithDefault("8388608")
    int maxPayloadBytes();

    /** Images above this many pixels are refused before decoding (decompression bombs). */
    @WithDefault("40000000")
    long maxImagePixels();

    /** Most versions kept loaded at once; the least recently used idle one is unloaded beyond it. */
    @WithDefault("8")
    int maxLoadedVersions();

    /** How often each replica looks for new current versions (hot swap). */
    @WithDefault("2s")
    Duration refreshInterval();

    /** Threads running member backbones in parallel (each holds its own copy of every backbone it ran). */
    @WithDefault("2")
    int memberThreads();

    /**
     * Threads running one version's batches; they take turns filling batches, so one fills the
     * next batch while the others run theirs. That can only help with more concurrent requests
     * than the max batch size; measured on 2 cores at 64 clients, a second worker was within the
     * noise (-5% to +5%), so the default stays at one.
     */
    @WithDefault("1")
    int batchWorkers();

    /**
     * When the last batch had company, a batch waits (up to the max delay) for more requests as long
     * as they keep coming no further apart than this: clients just answered are about to send again.
     * Raise it for clients across a slower network. A client alone never waits.
     */
    @WithDefault("PT0.0005S")
    Duration arrivalGap();

    /** Threads decoding and preprocessing request images. */
    @WithDefault("2")
    int decodeThreads();

    /** Batching for ensembles without their own settings. */
    Batching batching();

    /** Per-ensemble batching, e.g. chorus.serving.ensembles."fashion-mnist-demo".max-batch-size=64. */
    Map<String, EnsembleBatching> ensembles();

    interface Batching {
        /** 1 switches batching off. */
        @WithDefault("32")
        int maxBatchSize();

        /** How long the first request of a batch may wait for others. */
        @WithDefault("2ms")
        Duration maxDelay();

        /** Requests waiting beyond this are refused with RESOURCE_EXHAUSTED. */
        @WithDefault("256")
        int queueCapacity();
    }

    interface EnsembleBatching {
        Optional<Integer> maxBatchSize();

        Optional<Duration> maxDelay();

        Optional<Integer> queueCapacity();
    }
}

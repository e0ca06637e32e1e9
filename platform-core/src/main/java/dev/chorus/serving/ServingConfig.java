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
     * Threads running one version's batches. A batch is cut when the members are free; with two
     * workers, one runs its batch's head and answers while the next batch's members already run,
     * so the member threads never wait for that or for the next requests' round trip. That pays
     * when the member threads have processors of their own and clients outnumber the max batch
     * size. With as many clients as the max batch size it splits them into two groups of smaller
     * batches: measured at 32 clients, members on a processor of their own, it kept them busy
     * all the time (one worker: idle 15%) but no more images came out (0.87 of the limit either
     * way), and on one shared processor it read 0.79 against 0.83 for one. So the default stays at one.
     */
    @WithDefault("1")
    int batchWorkers();

    /**
     * A batch waits (up to the max delay) for as many requests as recent batches had: the clients
     * just answered are about to send again. Beyond that, and when the last batch had company, it
     * waits for more as long as they keep coming no further apart than this. Raise it for clients
     * across a slower network. A client alone never waits.
     */
    @WithDefault("PT0.0005S")
    Duration arrivalGap();

    /** Threads decoding and preprocessing request images. */
    @WithDefault("2")
    int decodeThreads();

    /**
     * Inputs of at most this many pixels, for versions whose member inputs are no larger, are
     * decoded and preprocessed on the thread that received them (the transport's event loop) as
     * they arrive: PNGs of 8-bit gray, RGB or RGBA (their size is read from the header) and raw
     * tensors. Anything larger, JPEGs and other formats (whose decoding cost is not known up
     * front), and requests for a version not loaded yet go to the decode threads. For a 28×28
     * image the hand-off to a decode thread cost more CPU than decoding it. 0 sends everything to
     * the decode threads.
     */
    @WithDefault("4096")
    long inlineDecodeMaxPixels();

    /** Batching for ensembles without their own settings. */
    Batching batching();

    /** Per-ensemble batching, e.g. chorus.serving.ensembles."fashion-mnist-demo".max-batch-size=64. */
    Map<String, EnsembleBatching> ensembles();

    interface Batching {
        /** 1 switches batching off. */
        @WithDefault("32")
        int maxBatchSize();

        /**
         * How long a batch may wait for company once the members are free to run it (time queued
         * behind a busy batch does not count), and only while company is coming. It has to cover
         * the burst in which a group of clients just answered sends again: 32 clients on one
         * connection came back over 2-3 ms on a 2-core machine, so 2 ms cut batches at ~23 and
         * left the rest to run as small batches of their own (served throughput -6%).
         */
        @WithDefault("5ms")
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

package dev.chorus.serving;

import java.util.concurrent.CompletableFuture;

/**
 * One image waiting in a version's batching queue: its preprocessed tensors, when it arrived,
 * when its caller stops waiting, and the future its result completes.
 */
final class InferenceItem {

    /** What the batch computed for this image. */
    record Result(float[] probabilities, int batchSize, long queueNanos, long inferenceNanos) {
    }

    final float[][] tensors;
    final long enqueuedNanos = System.nanoTime();
    final long deadlineNanos;
    final CompletableFuture<Result> result = new CompletableFuture<>();
    private final java.util.function.BooleanSupplier abandoned;

    /**
     * @param deadlineNanos a {@link System#nanoTime()} instant, or {@link Long#MAX_VALUE} for none
     * @param abandoned whether the caller went away (cancelled the call): then the work is skipped
     */
    InferenceItem(float[][] tensors, long deadlineNanos, java.util.function.BooleanSupplier abandoned) {
        this.tensors = tensors;
        this.deadlineNanos = deadlineNanos;
        this.abandoned = abandoned;
    }

    boolean expired(long now) {
        return now >= deadlineNanos;
    }

    boolean abandoned() {
        return abandoned.getAsBoolean();
    }
}

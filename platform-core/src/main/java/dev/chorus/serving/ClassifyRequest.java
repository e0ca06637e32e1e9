package dev.chorus.serving;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A request as the serving core sees it, whatever the transport: the input is decoded lazily (on
 * a decode thread, not the transport's); {@code deadlineNanos} is a {@link System#nanoTime()}
 * instant or {@link Long#MAX_VALUE}; {@code abandoned} says whether the caller went away.
 */
public record ClassifyRequest(String ensemble, int version, String routingKey, String requestId,
        Supplier<ServingInput> input, int topK, long deadlineNanos, BooleanSupplier abandoned) {
}

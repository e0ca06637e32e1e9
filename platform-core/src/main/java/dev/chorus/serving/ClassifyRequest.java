package dev.chorus.serving;

import java.util.function.BooleanSupplier;

/**
 * A request as the serving core sees it, whatever the transport: the input is decoded later, where
 * the serving core decides (see {@link ClassifyService}); {@code deadlineNanos} is a {@link System#nanoTime()}
 * instant or {@link Long#MAX_VALUE}; {@code abandoned} says whether the caller went away.
 */
public record ClassifyRequest(String ensemble, int version, String routingKey, String requestId,
        ServingInput.Source input, int topK, long deadlineNanos, BooleanSupplier abandoned) {
}

package dev.chorus.servingapi;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.chorus.adminapi.GrpcErrorMapping;
import dev.chorus.serving.Classification;
import dev.chorus.serving.ClassifyRequest;
import dev.chorus.serving.ClassifyService;
import dev.chorus.serving.ServingMetrics;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Vertx;

/** What every serving transport needs from the gRPC call it runs in. */
final class Calls {

    private Calls() {
    }

    /** The call's deadline as a {@link System#nanoTime()} instant, or {@link Long#MAX_VALUE}. */
    static long deadlineNanos() {
        Deadline deadline = Context.current().getDeadline();
        return deadline == null ? Long.MAX_VALUE : System.nanoTime() + deadline.timeRemaining(TimeUnit.NANOSECONDS);
    }

    /**
     * Classifies for the current call, answering on the call's event loop when it runs on one:
     * writes made there go straight to the connection, while from any other thread they are queued
     * for it and wake it (measured: 5 µs less CPU per image at 32 clients).
     */
    static CompletableFuture<Classification> classify(ClassifyService classifier, ClassifyRequest request) {
        return eventLoop().map(loop -> classifier.classify(request, loop)).orElseGet(() -> classifier.classify(request));
    }

    private static Optional<Executor> eventLoop() {
        io.vertx.core.Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) {
            return Optional.empty();
        }
        return Optional.of(task -> context.runOnContext(ignored -> task.run()));
    }

    /** Whether the caller went away (cancelled, or its deadline passed). */
    static BooleanSupplier abandoned() {
        Context context = Context.current();
        return context::isCancelled;
    }

    /** Answers a failure with its mapped status (the one mapping) and counts it. */
    static void fail(StreamObserver<?> response, Throwable failure, String ensemble, ServingMetrics metrics) {
        Status status = GrpcErrorMapping.toStatus(failure);
        metrics.failed(ensemble, status.getCode().name());
        response.onError(status.asRuntimeException());
    }
}

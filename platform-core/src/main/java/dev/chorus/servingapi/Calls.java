package dev.chorus.servingapi;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.chorus.adminapi.GrpcErrorMapping;
import dev.chorus.serving.ServingMetrics;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** What every serving transport needs from the gRPC call it runs in. */
final class Calls {

    private Calls() {
    }

    /** The call's deadline as a {@link System#nanoTime()} instant, or {@link Long#MAX_VALUE}. */
    static long deadlineNanos() {
        Deadline deadline = Context.current().getDeadline();
        return deadline == null ? Long.MAX_VALUE : System.nanoTime() + deadline.timeRemaining(TimeUnit.NANOSECONDS);
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

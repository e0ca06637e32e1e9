package dev.chorus.adminapi;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.OptimisticLockException;

import org.hibernate.StaleStateException;
import org.jboss.logging.Logger;

import dev.chorus.artifacts.ArtifactCorruptedException;
import dev.chorus.errors.AlreadyExistsException;
import dev.chorus.errors.ConflictException;
import dev.chorus.errors.DeadlineExpiredException;
import dev.chorus.errors.IntegrityException;
import dev.chorus.errors.OverloadedException;
import dev.chorus.errors.UnavailableException;
import dev.chorus.errors.InvalidRequestException;
import dev.chorus.errors.NotFoundException;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.ExceptionHandler;
import io.quarkus.grpc.ExceptionHandlerProvider;

/**
 * The one place where domain errors become gRPC statuses. Anything unexpected is logged here
 * with its stack trace and answered INTERNAL without internals.
 */
@ApplicationScoped
public class GrpcErrorMapping implements ExceptionHandlerProvider {

    private static final Logger LOG = Logger.getLogger(GrpcErrorMapping.class);

    @Override
    public <ReqT, RespT> ExceptionHandler<ReqT, RespT> createHandler(ServerCall.Listener<ReqT> listener,
            ServerCall<ReqT, RespT> call, Metadata metadata) {
        return new ExceptionHandler<>(listener, call, metadata) {
            @Override
            protected void handleException(Throwable failure, ServerCall<ReqT, RespT> serverCall, Metadata headers) {
                serverCall.close(toStatus(failure), new Metadata());
            }
        };
    }

    @Override
    public Throwable transform(Throwable failure) {
        return new StatusException(toStatus(failure));
    }

    /** The status a failure is answered with; also used by transports that answer asynchronously. */
    public static Status toStatus(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof StatusRuntimeException e) {
            return e.getStatus();
        }
        if (cause instanceof StatusException e) {
            return e.getStatus();
        }
        if (cause instanceof NotFoundException) {
            return Status.NOT_FOUND.withDescription(cause.getMessage());
        }
        if (cause instanceof InvalidRequestException || cause instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(cause.getMessage());
        }
        if (cause instanceof AlreadyExistsException) {
            return Status.ALREADY_EXISTS.withDescription(cause.getMessage());
        }
        if (cause instanceof java.util.concurrent.CancellationException) {
            return Status.CANCELLED.withDescription("the call was cancelled");
        }
        if (cause instanceof OverloadedException) {
            return Status.RESOURCE_EXHAUSTED.withDescription(cause.getMessage());
        }
        if (cause instanceof DeadlineExpiredException) {
            return Status.DEADLINE_EXCEEDED.withDescription(cause.getMessage());
        }
        if (cause instanceof UnavailableException) {
            return Status.UNAVAILABLE.withDescription(cause.getMessage());
        }
        if (cause instanceof IntegrityException || cause instanceof ArtifactCorruptedException) {
            return Status.DATA_LOSS.withDescription(cause.getMessage());
        }
        if (cause instanceof ConflictException) {
            return Status.FAILED_PRECONDITION.withDescription(cause.getMessage());
        }
        if (cause instanceof OptimisticLockException || cause instanceof StaleStateException) {
            return Status.ABORTED.withDescription("changed concurrently by another request; read it again and retry");
        }
        LOG.error("Unexpected failure answering a gRPC call", failure);
        return Status.INTERNAL.withDescription("internal error (" + cause.getClass().getSimpleName()
                + "); the server log has the details");
    }

    /** Transactions and CDI wrap the domain exception; the innermost one that says something wins. */
    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        for (int depth = 0; depth < 10 && current.getCause() != null && !isDomain(current); depth++) {
            current = current.getCause();
        }
        return current;
    }

    private static boolean isDomain(Throwable t) {
        return t instanceof dev.chorus.errors.ChorusException || t instanceof ArtifactCorruptedException
                || t instanceof java.util.concurrent.CancellationException
                || t instanceof StatusRuntimeException
                || t instanceof StatusException || t instanceof OptimisticLockException;
    }
}

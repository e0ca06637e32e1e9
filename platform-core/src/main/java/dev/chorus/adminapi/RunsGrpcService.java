package dev.chorus.adminapi;

import java.util.Objects;
import java.util.Optional;

import dev.chorus.errors.InvalidRequestException;
import dev.chorus.proto.v1.CancelRunRequest;
import dev.chorus.proto.v1.DeviceRequest;
import dev.chorus.proto.v1.EpochMetrics;
import dev.chorus.proto.v1.GetRunRequest;
import dev.chorus.proto.v1.ListRunsRequest;
import dev.chorus.proto.v1.ListRunsResponse;
import dev.chorus.proto.v1.Progress;
import dev.chorus.proto.v1.RetryRunRequest;
import dev.chorus.proto.v1.Run;
import dev.chorus.proto.v1.RunDetails;
import dev.chorus.proto.v1.RunState;
import dev.chorus.proto.v1.RunsGrpc;
import dev.chorus.proto.v1.SubmitRunRequest;
import dev.chorus.proto.v1.WatchRunRequest;
import dev.chorus.training.RunRequest;
import dev.chorus.training.TrainingRun;
import dev.chorus.training.TrainingService;
import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/** Transport only: training runs on the chorus.v1 wire messages. */
@GrpcService
@Blocking
public class RunsGrpcService extends RunsGrpc.RunsImplBase {

    private static final long WATCH_POLL_MILLIS = 250;

    private final TrainingService training;

    RunsGrpcService(TrainingService training) {
        this.training = training;
    }

    @Override
    public void submitRun(SubmitRunRequest request, StreamObserver<Run> response) {
        dev.chorus.training.DeviceRequest device = device(request.getDevice());
        long id = training.submit(new RunRequest(request.getKind(), request.getParametersMap(),
                blankToNull(request.getEnsemble()), blankToNull(request.getDataset()), request.getPriority(), device,
                request.getMaxAttempts() == 0 ? 3 : request.getMaxAttempts()));
        reply(response, toProto(training.get(id)));
    }

    @Override
    public void listRuns(ListRunsRequest request, StreamObserver<ListRunsResponse> response) {
        if (request.getLimit() < 0 || request.getLimit() > 1000) {
            throw new InvalidRequestException("limit must be 0-1000");
        }
        Optional<dev.chorus.training.RunState> state = request.getState() == RunState.RUN_STATE_UNSPECIFIED
                || request.getState() == RunState.UNRECOGNIZED ? Optional.empty()
                : Optional.of(dev.chorus.training.RunState.valueOf(request.getState().name().substring("RUN_STATE_".length())));
        ListRunsResponse.Builder list = ListRunsResponse.newBuilder();
        training.list(state, Optional.ofNullable(blankToNull(request.getEnsemble())),
                request.getLimit() == 0 ? 100 : request.getLimit()).forEach(run -> list.addRuns(toProto(run)));
        reply(response, list.build());
    }

    @Override
    public void getRun(GetRunRequest request, StreamObserver<RunDetails> response) {
        reply(response, details(request.getId()));
    }

    @Override
    public void cancelRun(CancelRunRequest request, StreamObserver<Run> response) {
        training.cancel(request.getId());
        reply(response, toProto(training.get(request.getId())));
    }

    @Override
    public void retryRun(RetryRunRequest request, StreamObserver<Run> response) {
        training.retry(request.getId());
        reply(response, toProto(training.get(request.getId())));
    }

    /** Polls the database, so it sees runs executing on any worker; stops when the client goes away. */
    @Override
    public void watchRun(WatchRunRequest request, StreamObserver<RunDetails> response) {
        ServerCallStreamObserver<RunDetails> call = (ServerCallStreamObserver<RunDetails>) response;
        RunDetails last = null;
        while (!call.isCancelled() && !Context.current().isCancelled()) {
            RunDetails current = details(request.getId());
            if (!Objects.equals(current, last)) {
                response.onNext(current);
                last = current;
            }
            if (isTerminal(current.getRun().getState())) {
                response.onCompleted();
                return;
            }
            try {
                Thread.sleep(WATCH_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private RunDetails details(long id) {
        RunDetails.Builder details = RunDetails.newBuilder().setRun(toProto(training.get(id)));
        training.epochs(id).forEach(e -> details.addEpochs(EpochMetrics.newBuilder().setEpoch(e.epoch())
                .setLoss(e.loss()).setAccuracy(nanToZero(e.accuracy())).setValidationLoss(nanToZero(e.validationLoss()))
                .setValidationAccuracy(nanToZero(e.validationAccuracy())).setSeconds(e.seconds())
                .setImagesPerSecond(nanToZero(e.imagesPerSecond()))));
        details.addAllTransitions(training.transitions(id));
        return details.build();
    }

    static dev.chorus.training.DeviceRequest device(DeviceRequest device) {
        return switch (device) {
            case DEVICE_REQUEST_CPU -> dev.chorus.training.DeviceRequest.CPU;
            case DEVICE_REQUEST_GPU_REQUIRED -> dev.chorus.training.DeviceRequest.GPU_REQUIRED;
            default -> dev.chorus.training.DeviceRequest.GPU_PREFERRED;
        };
    }

    static Run toProto(TrainingRun run) {
        Run.Builder proto = Run.newBuilder().setId(run.id).setKind(run.kind)
                .putAllParameters(dev.chorus.training.RunRequest.parameters(run.parameters))
                .setEnsemble(nullToEmpty(run.ensemble)).setDataset(nullToEmpty(run.dataset))
                .setState(RunState.valueOf("RUN_STATE_" + run.state.name())).setPriority(run.priority)
                .setDeviceRequest(DeviceRequest.valueOf("DEVICE_REQUEST_" + run.deviceRequest.name())).setDevice(nullToEmpty(run.device))
                .setWaitingReason(nullToEmpty(run.waitingReason)).setAttempt(run.attempt)
                .setMaxAttempts(run.maxAttempts).setWorker(nullToEmpty(run.leaseOwner))
                .setCancelRequested(run.cancelRequested).setError(nullToEmpty(run.error))
                .setCreatedAt(Timestamps.of(run.createdAt));
        if (run.startedAt != null) {
            proto.setStartedAt(Timestamps.of(run.startedAt));
        }
        if (run.finishedAt != null) {
            proto.setFinishedAt(Timestamps.of(run.finishedAt));
        }
        Progress.Builder progress = Progress.newBuilder().setPhase(nullToEmpty(run.phase));
        if (run.epoch != null) {
            progress.setEpoch(run.epoch);
        }
        if (run.step != null) {
            progress.setStep(run.step);
        }
        if (run.fraction != null) {
            progress.setFraction(run.fraction);
        }
        if (run.etaSeconds != null) {
            progress.setEtaSeconds(run.etaSeconds);
        }
        return proto.setProgress(progress).build();
    }

    private static boolean isTerminal(RunState state) {
        return state == RunState.RUN_STATE_SUCCEEDED || state == RunState.RUN_STATE_FAILED
                || state == RunState.RUN_STATE_CANCELLED;
    }

    private static <T> void reply(StreamObserver<T> response, T value) {
        response.onNext(value);
        response.onCompleted();
    }

    private static double nanToZero(double value) {
        return Double.isNaN(value) ? 0 : value;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }
}

package dev.chorus.servingapi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.chorus.ensembles.Ensemble;
import dev.chorus.ensembles.EnsembleService;
import dev.chorus.errors.NotFoundException;
import dev.chorus.proto.v1.ClassifierGrpc;
import dev.chorus.proto.v1.ClassifyRequest;
import dev.chorus.proto.v1.ClassifyResponse;
import dev.chorus.proto.v1.Label;
import dev.chorus.proto.v1.ListModelsRequest;
import dev.chorus.proto.v1.ListModelsResponse;
import dev.chorus.proto.v1.ServedModel;
import dev.chorus.proto.v1.Timings;
import dev.chorus.serving.BatchingPolicy;
import dev.chorus.serving.Classification;
import dev.chorus.serving.ClassifyService;
import dev.chorus.serving.EnsembleRuntime;
import dev.chorus.serving.ServingInput;
import dev.chorus.serving.ServingMetrics;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;

/**
 * Transport only: chorus.v1.Classifier on the serving core. Nothing here blocks: requests are
 * handed to {@link ClassifyService} and answered when their batch completes.
 */
@GrpcService
public class ClassifierGrpcService extends ClassifierGrpc.ClassifierImplBase {

    private final ClassifyService classifier;
    private final EnsembleRuntime runtime;
    private final EnsembleService ensembles;
    private final ServingMetrics metrics;

    ClassifierGrpcService(ClassifyService classifier, EnsembleRuntime runtime, EnsembleService ensembles,
            ServingMetrics metrics) {
        this.classifier = classifier;
        this.runtime = runtime;
        this.ensembles = ensembles;
        this.metrics = metrics;
    }

    @Override
    public void classify(ClassifyRequest request, StreamObserver<ClassifyResponse> response) {
        submit(request).whenComplete((result, failure) -> {
            if (failure != null) {
                Calls.fail(response, failure, request.getEnsemble(), metrics);
            } else {
                response.onNext(toProto(result));
                response.onCompleted();
            }
        });
    }

    @Override
    public StreamObserver<ClassifyRequest> classifyStream(StreamObserver<ClassifyResponse> response) {
        return new StreamObserver<>() {
            private final AtomicInteger inFlight = new AtomicInteger(1); // 1 = the request stream itself
            private final AtomicBoolean ended = new AtomicBoolean();

            @Override
            public void onNext(ClassifyRequest request) {
                inFlight.incrementAndGet();
                submit(request).whenComplete((result, failure) -> {
                    if (failure != null) {
                        if (ended.compareAndSet(false, true)) {
                            synchronized (response) {
                                Calls.fail(response, failure, request.getEnsemble(), metrics);
                            }
                        }
                        return;
                    }
                    synchronized (response) {
                        if (!ended.get()) {
                            response.onNext(toProto(result));
                        }
                    }
                    done();
                });
            }

            @Override
            public void onError(Throwable cancelled) {
                ended.set(true);
            }

            @Override
            public void onCompleted() {
                done();
            }

            private void done() {
                if (inFlight.decrementAndGet() == 0 && ended.compareAndSet(false, true)) {
                    synchronized (response) {
                        response.onCompleted();
                    }
                }
            }
        };
    }

    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> response) {
        CompletableFuture.supplyAsync(this::models).whenComplete((models, failure) -> {
            if (failure != null) {
                Calls.fail(response, failure, "", metrics);
            } else {
                response.onNext(models);
                response.onCompleted();
            }
        });
    }

    private ListModelsResponse models() {
        ListModelsResponse.Builder list = ListModelsResponse.newBuilder();
        for (Ensemble ensemble : ensembles.list()) {
            try {
                list.addModels(ServedModels.describe(ensemble.name, ensembles, runtime));
            } catch (NotFoundException noVersionYet) {
                // an ensemble without a version cannot be served yet
            }
        }
        return list.build();
    }

    private CompletableFuture<Classification> submit(ClassifyRequest request) {
        return Calls.classify(classifier, new dev.chorus.serving.ClassifyRequest(request.getEnsemble(),
                request.getVersion(), request.getRoutingKey(), request.getRequestId(), input(request), request.getTopK(),
                Calls.deadlineNanos(), Calls.abandoned()));
    }

    private ServingInput.Source input(ClassifyRequest request) {
        return switch (request.getInputCase()) {
            case IMAGE -> ServingInput.image(request.getImage().asReadOnlyByteBuffer(), classifier.limits());
            case TENSOR -> ServingInput.tensor(request.getTensor().getShapeList(), request.getTensor().getValuesList(),
                    request.getTensor().getRaw().toByteArray(), classifier.limits());
            case INPUT_NOT_SET -> ServingInput.none();
        };
    }

    static ClassifyResponse toProto(Classification result) {
        ClassifyResponse.Builder built = ClassifyResponse.newBuilder().setRequestId(result.requestId())
                .setEnsemble(result.ensemble()).setVersion(result.version()).setArm(result.arm())
                .setTimings(Timings.newBuilder().setQueueMs(result.queueMillis()).setInferenceMs(result.inferenceMillis())
                        .setTotalMs(result.totalMillis()).setBatchSize(result.batchSize()));
        result.labels().forEach(l -> built.addLabels(Label.newBuilder().setLabel(l.label()).setIndex(l.index())
                .setProbability(l.probability())));
        return built.build();
    }

    /** Policy figures on the wire. */
    static ServedModel.Builder batching(ServedModel.Builder model, BatchingPolicy policy) {
        return model.setMaxBatchSize(policy.maxBatchSize()).setMaxBatchDelayMs(policy.maxDelay().toNanos() / 1e6)
                .setQueueCapacity(policy.queueCapacity());
    }
}

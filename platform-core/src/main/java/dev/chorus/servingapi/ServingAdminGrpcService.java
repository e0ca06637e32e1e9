package dev.chorus.servingapi;

import java.time.Duration;

import dev.chorus.ensembles.EnsembleService;
import dev.chorus.proto.v1.CpuTimeRequest;
import dev.chorus.proto.v1.CpuTimeResponse;
import dev.chorus.proto.v1.MeasureServingCoreRequest;
import dev.chorus.proto.v1.MeasureServingCoreResponse;
import dev.chorus.proto.v1.MeasureThroughputRequest;
import dev.chorus.proto.v1.MeasureThroughputResponse;
import dev.chorus.proto.v1.ServedModel;
import dev.chorus.proto.v1.ServingAdminGrpc;
import dev.chorus.proto.v1.SetBatchingRequest;
import dev.chorus.serving.BatchingPolicy;
import dev.chorus.serving.EnsembleRuntime;
import dev.chorus.serving.ServingCoreProbe;
import dev.chorus.serving.ServingCpu;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/** Transport only: chorus.v1.ServingAdmin. */
@GrpcService
@Blocking
public class ServingAdminGrpcService extends ServingAdminGrpc.ServingAdminImplBase {

    private final EnsembleRuntime runtime;
    private final EnsembleService ensembles;
    private final ServingCpu cpu;
    private final ServingCoreProbe core;

    ServingAdminGrpcService(EnsembleRuntime runtime, EnsembleService ensembles, ServingCpu cpu, ServingCoreProbe core) {
        this.runtime = runtime;
        this.ensembles = ensembles;
        this.cpu = cpu;
        this.core = core;
    }

    @Override
    public void setBatching(SetBatchingRequest request, StreamObserver<ServedModel> response) {
        BatchingPolicy now = runtime.policy(request.getEnsemble());
        runtime.setPolicy(request.getEnsemble(), new BatchingPolicy(
                request.getMaxBatchSize() == 0 ? now.maxBatchSize() : request.getMaxBatchSize(),
                request.getMaxDelayMs() == 0 && request.getMaxBatchSize() == 0 ? now.maxDelay()
                        : Duration.ofNanos((long) (request.getMaxDelayMs() * 1e6)),
                request.getQueueCapacity() == 0 ? now.queueCapacity() : request.getQueueCapacity()));
        response.onNext(ServedModels.describe(request.getEnsemble(), ensembles, runtime));
        response.onCompleted();
    }

    @Override
    public void measureThroughput(MeasureThroughputRequest request,
            StreamObserver<MeasureThroughputResponse> response) {
        EnsembleRuntime.Measurement m = runtime.measure(request.getEnsemble(), request.getVersion(),
                request.getBatchSize(), request.getSeconds() == 0 ? 5 : request.getSeconds(),
                request.getConcurrentBatches());
        response.onNext(MeasureThroughputResponse.newBuilder().setVersion(m.version()).setBatchSize(m.batchSize())
                .setConcurrentBatches(m.concurrentBatches())
                .setImages(m.images()).setSeconds(m.seconds()).setImagesPerSecond(m.imagesPerSecond())
                .setSingleImageP50Ms(m.singleImageP50Millis()).build());
        response.onCompleted();
    }

    @Override
    public void measureServingCore(MeasureServingCoreRequest request,
            StreamObserver<MeasureServingCoreResponse> response) {
        ServingCoreProbe.Measurement m = core.measure(request.getEnsemble(), request.getVersion(), request.getCallers(),
                request.getSeconds() == 0 ? 5 : request.getSeconds(), request.getImage().toByteArray());
        response.onNext(MeasureServingCoreResponse.newBuilder().setVersion(m.version()).setCallers(m.callers())
                .setImages(m.images()).setSeconds(m.seconds()).setImagesPerSecond(m.imagesPerSecond())
                .setP50Ms(m.p50Millis()).setP99Ms(m.p99Millis()).setMeanBatch(m.meanBatch()).build());
        response.onCompleted();
    }

    @Override
    public void cpuTime(CpuTimeRequest request, StreamObserver<CpuTimeResponse> response) {
        ServingCpu.Usage usage = cpu.usage();
        CpuTimeResponse.Builder built = CpuTimeResponse.newBuilder().setProcessSeconds(usage.processSeconds())
                .setAvailableProcessors(Runtime.getRuntime().availableProcessors())
                .setCpusAllowed(ServingCpu.cpusAllowed());
        if (cpu.supported()) {
            usage.secondsByStage().forEach((stage, seconds) -> built.putSecondsByStage(stage.label(), seconds));
        }
        response.onNext(built.build());
        response.onCompleted();
    }
}

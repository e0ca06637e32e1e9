package dev.chorus.servingapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.imageio.ImageIO;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import dev.chorus.datasets.DatasetService;
import dev.chorus.ensembles.EnsembleDefinition;
import dev.chorus.ensembles.EnsembleService;
import dev.chorus.ensembles.HeadSpec;
import dev.chorus.ensembles.StackingSupport;
import dev.chorus.proto.inference.GRPCInferenceServiceGrpc;
import dev.chorus.proto.inference.ModelInferRequest;
import dev.chorus.proto.inference.ModelInferResponse;
import dev.chorus.proto.inference.ModelMetadataRequest;
import dev.chorus.proto.inference.ModelReadyRequest;
import dev.chorus.proto.inference.ServerLiveRequest;
import dev.chorus.proto.inference.ServerReadyRequest;
import dev.chorus.proto.inference.InferTensorContents;
import dev.chorus.proto.v1.ClassifierGrpc;
import dev.chorus.proto.v1.ClassifyRequest;
import dev.chorus.proto.v1.ClassifyResponse;
import dev.chorus.proto.v1.ListModelsRequest;
import dev.chorus.proto.v1.ServedModel;
import dev.chorus.proto.v1.CpuTimeRequest;
import dev.chorus.proto.v1.CpuTimeResponse;
import dev.chorus.proto.v1.MeasureServingCoreRequest;
import dev.chorus.proto.v1.MeasureServingCoreResponse;
import dev.chorus.proto.v1.MeasureThroughputRequest;
import dev.chorus.proto.v1.MeasureThroughputResponse;
import dev.chorus.proto.v1.ServingAdminGrpc;
import dev.chorus.proto.v1.SetBatchingRequest;
import dev.chorus.proto.v1.Tensor;
import dev.chorus.serving.Classification;
import dev.chorus.serving.ClassifyService;
import dev.chorus.serving.ServingInput;
import dev.chorus.training.TrainingService;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;

/** Serving over a real socket: answers, every error status, streaming, the Open Inference Protocol, hot swap. */
@QuarkusTest
class ServingTest {

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int port;
    @ConfigProperty(name = "quarkus.http.test-port")
    int httpPort;
    @Inject
    DatasetService datasets;
    @Inject
    TrainingService training;
    @Inject
    EnsembleService ensembles;
    @Inject
    StackingSupport stacking;
    @Inject
    ClassifyService classifyService;

    @org.junit.jupiter.api.AfterAll
    static void removeTheFixtureDataset() {
        dev.chorus.ensembles.StackingFixture.cleanUp();
    }

    ManagedChannel channel;
    ClassifierGrpc.ClassifierBlockingStub classifier;
    static String ensemble;

    @BeforeEach
    void connect() throws Exception {
        channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        classifier = ClassifierGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        synchronized (ServingTest.class) {
            if (ensemble == null) {
                ensemble = stacking.ensembleWithVersion("serve", new HeadSpec(16, "relu", 0.0, "adam", 0.01, 32, 4, 2, 7));
            }
        }
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    static byte[] png(String kind, int seed) throws Exception {
        return encoded(kind, seed, "png");
    }

    static byte[] encoded(String kind, int seed, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(StackingSupport.image(kind, new Random(seed)), format, out);
        return out.toByteArray();
    }

    ClassifyRequest.Builder request(byte[] image) {
        return ClassifyRequest.newBuilder().setEnsemble(ensemble).setImage(ByteString.copyFrom(image));
    }

    Status.Code code(ClassifyRequest request) {
        try {
            classifier.classify(request);
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            assertFalse(e.getStatus().getDescription() == null || e.getStatus().getDescription().contains("Exception:"),
                    "a clear message, no stack trace: " + e.getStatus());
            return e.getStatus().getCode();
        }
    }

    @Test
    void classifiesAnImageWithTopKLabelsTheVersionAndTheArm() throws Exception {
        ClassifyResponse answer = classifier.classify(request(png("left", 1)).setTopK(3).setRequestId("r-1").build());
        assertEquals("r-1", answer.getRequestId());
        assertEquals(ensemble, answer.getEnsemble());
        assertEquals(1, answer.getVersion());
        assertEquals("current", answer.getArm());
        assertEquals(3, answer.getLabelsCount());
        assertEquals("left", answer.getLabels(0).getLabel(), "the halves are easy");
        float sum = 0;
        for (var label : answer.getLabelsList()) {
            sum += label.getProbability();
        }
        assertEquals(1f, sum, 1e-4);
        assertTrue(answer.getLabels(0).getProbability() >= answer.getLabels(1).getProbability());
        assertTrue(answer.getTimings().getTotalMs() > 0 && answer.getTimings().getBatchSize() >= 1);

        ClassifyResponse pinned = classifier.classify(request(png("top", 2)).setVersion(1).build());
        assertEquals("pinned", pinned.getArm());
        assertEquals(3, pinned.getLabelsCount(), "top_k 0 means 5, capped at the 3 classes");
        java.util.UUID generated = java.util.UUID.fromString(pinned.getRequestId());
        assertEquals(4, generated.version(), "a request without an id gets a random UUID");
        assertEquals(2, generated.variant());
    }

    @Test
    void classifiesARawTensorAsListedValuesOrLittleEndianBytes() throws Exception {
        var image = StackingSupport.image("right", new Random(3));
        float[] pixels = new float[28 * 28];
        Tensor.Builder listed = Tensor.newBuilder().addShape(28).addShape(28).addShape(1);
        ByteBuffer raw = ByteBuffer.allocate(28 * 28 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                pixels[y * 28 + x] = image.getRaster().getSample(x, y, 0) / 255f;
                listed.addValues(pixels[y * 28 + x]);
                raw.putFloat(pixels[y * 28 + x]);
            }
        }
        ClassifyResponse fromValues = classifier.classify(ClassifyRequest.newBuilder().setEnsemble(ensemble)
                .setTensor(listed).build());
        ClassifyResponse fromRaw = classifier.classify(ClassifyRequest.newBuilder().setEnsemble(ensemble)
                .setTensor(Tensor.newBuilder().addShape(28).addShape(28).addShape(1)
                        .setRaw(ByteString.copyFrom(raw.array()))).build());
        assertEquals("right", fromValues.getLabels(0).getLabel());
        assertEquals(fromValues.getLabels(0).getProbability(), fromRaw.getLabels(0).getProbability(), 1e-6);
    }

    @Test
    void everyBadRequestGetsItsOwnStatusCode() throws Exception {
        byte[] good = png("left", 4);
        assertEquals(Status.Code.NOT_FOUND, code(request(good).setEnsemble("no-such-ensemble").build()));
        assertEquals(Status.Code.NOT_FOUND, code(request(good).setVersion(99).build()));
        String empty = "empty-" + dev.chorus.ensembles.StackingSupport.RUN;
        ensembles.create(new EnsembleDefinition(empty, "", stacking.members(), HeadSpec.DEFAULT, StackingSupport.DATASET,
                List.of()));
        assertEquals(Status.Code.NOT_FOUND, code(request(good).setEnsemble(empty).build()), "no version yet");

        assertEquals(Status.Code.INVALID_ARGUMENT, code(request("not an image".getBytes()).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(request(java.util.Arrays.copyOf(good, good.length / 2)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(request(new byte[2 * 1024 * 1024]).build()), "over 1 MiB");
        assertEquals(Status.Code.INVALID_ARGUMENT, code(request(good).setTopK(4).build()), "3 classes");
        assertEquals(Status.Code.INVALID_ARGUMENT, code(request(good).setTopK(-1).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(ClassifyRequest.newBuilder().setEnsemble(ensemble).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, code(ClassifyRequest.newBuilder().setEnsemble(ensemble)
                .setTensor(Tensor.newBuilder().addShape(28).addShape(28).addShape(2)).build()), "2 channels");
        assertEquals(Status.Code.INVALID_ARGUMENT, code(ClassifyRequest.newBuilder().setEnsemble(ensemble)
                .setTensor(Tensor.newBuilder().addShape(2).addShape(2).addShape(1).addValues(0.5f)).build()),
                "too few values");
        assertEquals(Status.Code.INVALID_ARGUMENT, code(ClassifyRequest.newBuilder().setEnsemble(ensemble)
                .setTensor(Tensor.newBuilder().addShape(1).addShape(1).addShape(1).addValues(7f)).build()),
                "outside [0, 1]");

        StatusRuntimeException late = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> ClassifierGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.MICROSECONDS)
                        .classify(request(good).build()));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, late.getStatus().getCode());
    }

    @Test
    void aFullQueueAnswersResourceExhaustedInsteadOfWaiting() throws Exception {
        ServingAdminGrpc.ServingAdminBlockingStub admin = ServingAdminGrpc.newBlockingStub(channel);
        admin.setBatching(SetBatchingRequest.newBuilder().setEnsemble(ensemble).setMaxBatchSize(1).setQueueCapacity(1)
                .build());
        try {
            ClassifierGrpc.ClassifierStub async = ClassifierGrpc.newStub(channel);
            byte[] image = png("top", 5);
            int calls = 300;
            CountDownLatch done = new CountDownLatch(calls);
            ConcurrentHashMap<Status.Code, AtomicInteger> codes = new ConcurrentHashMap<>();
            for (int i = 0; i < calls; i++) {
                async.classify(request(image).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(ClassifyResponse value) {
                        codes.computeIfAbsent(Status.Code.OK, c -> new AtomicInteger()).incrementAndGet();
                    }

                    @Override
                    public void onError(Throwable t) {
                        codes.computeIfAbsent(Status.fromThrowable(t).getCode(), c -> new AtomicInteger())
                                .incrementAndGet();
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
            }
            assertTrue(done.await(60, TimeUnit.SECONDS));
            assertTrue(codes.containsKey(Status.Code.RESOURCE_EXHAUSTED), "some were refused: " + codes);
            assertTrue(codes.containsKey(Status.Code.OK), "some were answered: " + codes);
            assertEquals(Set.of(Status.Code.OK, Status.Code.RESOURCE_EXHAUSTED), codes.keySet());
        } finally {
            admin.setBatching(SetBatchingRequest.newBuilder().setEnsemble(ensemble).setMaxBatchSize(32)
                    .setMaxDelayMs(2).setQueueCapacity(256).build());
        }
    }

    @Test
    void aStreamAnswersEveryImageByItsRequestId() throws Exception {
        ClassifierGrpc.ClassifierStub async = ClassifierGrpc.newStub(channel);
        ConcurrentHashMap<String, String> answers = new ConcurrentHashMap<>();
        CountDownLatch finished = new CountDownLatch(1);
        AtomicBoolean failed = new AtomicBoolean();
        StreamObserver<ClassifyRequest> requests = async.classifyStream(new StreamObserver<>() {
            @Override
            public void onNext(ClassifyResponse value) {
                answers.put(value.getRequestId(), value.getLabels(0).getLabel());
            }

            @Override
            public void onError(Throwable t) {
                failed.set(true);
                finished.countDown();
            }

            @Override
            public void onCompleted() {
                finished.countDown();
            }
        });
        List<String> kinds = List.of("left", "right", "top");
        for (int i = 0; i < 12; i++) {
            requests.onNext(request(png(kinds.get(i % 3), 100 + i)).setRequestId("s-" + i).setTopK(1).build());
        }
        requests.onCompleted();
        assertTrue(finished.await(60, TimeUnit.SECONDS));
        assertFalse(failed.get());
        assertEquals(12, answers.size());
        for (int i = 0; i < 12; i++) {
            assertEquals(kinds.get(i % 3), answers.get("s-" + i));
        }
    }

    @Test
    void listModelsShowsTheServedEnsemble() {
        ServedModel model = classifier.listModels(ListModelsRequest.getDefaultInstance()).getModelsList().stream()
                .filter(m -> m.getEnsemble().equals(ensemble)).findFirst().orElseThrow();
        assertTrue(model.getCurrentVersion() >= 1);
        assertEquals(List.of("left", "right", "top"), model.getClassesList());
        assertEquals(2, model.getMembersCount());
    }

    @Test
    void openInferenceProtocolClientsCanCallAnEnsemble() throws Exception {
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub oip = GRPCInferenceServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        assertTrue(oip.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
        assertTrue(oip.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        classifier.classify(request(png("left", 9)).build());
        assertTrue(oip.modelReady(ModelReadyRequest.newBuilder().setName(ensemble).setVersion("1").build()).getReady());
        assertFalse(oip.modelReady(ModelReadyRequest.newBuilder().setName("nope").build()).getReady());
        var metadata = oip.modelMetadata(ModelMetadataRequest.newBuilder().setName(ensemble).build());
        assertTrue(metadata.getVersionsList().contains("1"));
        assertEquals(List.of(-1L, 3L), metadata.getOutputs(0).getShapeList());

        ModelInferResponse bytes = oip.modelInfer(ModelInferRequest.newBuilder().setModelName(ensemble).setModelVersion("1")
                .setId("oip-1").addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("image")
                        .setDatatype("BYTES").addShape(2).setContents(InferTensorContents.newBuilder()
                                .addBytesContents(ByteString.copyFrom(png("left", 10)))
                                .addBytesContents(ByteString.copyFrom(png("top", 11))))).build());
        assertEquals("oip-1", bytes.getId());
        assertEquals("1", bytes.getModelVersion());
        assertEquals(List.of(2L, 3L), bytes.getOutputs(0).getShapeList());
        assertEquals(6, bytes.getOutputs(0).getContents().getFp32ContentsCount());
        assertEquals(List.of("left", "top"), bytes.getOutputs(1).getContents().getBytesContentsList().stream()
                .map(ByteString::toStringUtf8).toList());

        ByteBuffer pixels = ByteBuffer.allocate(28 * 28 * 4).order(ByteOrder.LITTLE_ENDIAN);
        var image = StackingSupport.image("right", new Random(12));
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                pixels.putFloat(image.getRaster().getSample(x, y, 0) / 255f);
            }
        }
        ModelInferResponse raw = oip.modelInfer(ModelInferRequest.newBuilder().setModelName(ensemble)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("pixels").setDatatype("FP32")
                        .addShape(1).addShape(28).addShape(28).addShape(1))
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("labels"))
                .addRawInputContents(ByteString.copyFrom(pixels.array())).build());
        assertEquals(1, raw.getOutputsCount());
        assertEquals(List.of(ByteString.copyFromUtf8("right")),
                OpenInferenceGrpcService.splitBytes(raw.getRawOutputContents(0)));

        for (ModelInferRequest bad : List.of(
                ModelInferRequest.newBuilder().setModelName(ensemble).addInputs(ModelInferRequest.InferInputTensor
                        .newBuilder().setDatatype("INT8").addShape(1)).build(),
                ModelInferRequest.newBuilder().setModelName(ensemble).setModelVersion("x").addInputs(
                        ModelInferRequest.InferInputTensor.newBuilder().setDatatype("BYTES").addShape(1)).build())) {
            StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> oip.modelInfer(bad));
            assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
        }
        StatusRuntimeException unknown = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> oip.modelInfer(ModelInferRequest.newBuilder().setModelName("nope").addInputs(
                        ModelInferRequest.InferInputTensor.newBuilder().setDatatype("BYTES").addShape(1)).build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    }

    @Test
    void aNewVersionTakesOverUnderLoadWithoutAFailedRequest() throws Exception {
        String swapped = stacking.ensembleWithVersion("swap", new HeadSpec(8, "relu", 0.0, "adam", 0.01, 32, 3, 2, 1));
        byte[] image = png("left", 20);
        AtomicBoolean stop = new AtomicBoolean();
        Set<Integer> versions = ConcurrentHashMap.newKeySet();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger answered = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            clients.add(Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    try {
                        versions.add(classifier.classify(ClassifyRequest.newBuilder().setEnsemble(swapped)
                                .setImage(ByteString.copyFrom(image)).build()).getVersion());
                        answered.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
            }));
        }
        Thread.sleep(500);
        stacking.stackAgain(swapped);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!versions.contains(2) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(500);
        stop.set(true);
        for (Thread client : clients) {
            client.join(10_000);
        }
        assertEquals(List.of(), failures, "no request failed during the swap");
        assertEquals(Set.of(1, 2), versions, "answered by version 1, then by version 2");
        assertTrue(answered.get() > 20, "under load: " + answered.get() + " answers");
    }

    @Test
    void prometheusHasRequestsLatencyQueueTimeBatchSizesAndErrorsPerEnsemble() throws Exception {
        classifier.classify(request(png("top", 30)).build());
        code(request(new byte[] {1, 2, 3}).build());
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:"
                + httpPort + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String expected : List.of("chorus_classify_requests_total{arm=\"current\",ensemble=\"" + ensemble,
                "chorus_classify_latency_seconds_bucket{arm=\"current\",ensemble=\"" + ensemble,
                "chorus_classify_queue_seconds_count{ensemble=\"" + ensemble,
                "chorus_classify_batch_size_count{ensemble=\"" + ensemble,
                "chorus_classify_errors_total{code=\"INVALID_ARGUMENT\",ensemble=\"" + ensemble,
                "chorus_serving_cpu_seconds_total{stage=\"members\"}",
                "chorus_serving_cpu_seconds_total{stage=\"transport\"}")) {
            assertTrue(metrics.contains(expected), "missing " + expected);
        }
    }

    @Test
    void smallImagesAreDecodedWhereTheyArriveAndOthersOnADecodeThread() throws Exception {
        BufferedImage large = new BufferedImage(100, 100, BufferedImage.TYPE_BYTE_GRAY); // over 4,096 pixels
        ByteArrayOutputStream largePng = new ByteArrayOutputStream();
        ImageIO.write(large, "png", largePng);
        Map<String, byte[]> inputs = Map.of("small PNG", png("left", 70), "small JPEG", encoded("left", 70, "jpeg"),
                "large PNG", largePng.toByteArray());
        Map<String, String> decodedOn = new ConcurrentHashMap<>();
        for (Map.Entry<String, byte[]> input : inputs.entrySet()) {
            ServingInput.Source source = ServingInput.image(ByteBuffer.wrap(input.getValue()), classifyService.limits());
            ServingInput.Source watched = new ServingInput.Source(() -> {
                decodedOn.put(input.getKey(), Thread.currentThread().getName());
                return source.decoder().get();
            }, source.pixels());
            Classification answer = classifyService.classify(new dev.chorus.serving.ClassifyRequest(ensemble, 0, "", "",
                    watched, 1, Long.MAX_VALUE, () -> false), Runnable::run).get(30, TimeUnit.SECONDS);
            assertEquals(1, answer.labels().size(), input.getKey());
        }
        assertEquals(Thread.currentThread().getName(), decodedOn.get("small PNG"), "the size is in its header");
        assertTrue(decodedOn.get("small JPEG").startsWith("serving-decode-"), "its cost is unknown: " + decodedOn);
        assertTrue(decodedOn.get("large PNG").startsWith("serving-decode-"), decodedOn.toString());
    }

    @Test
    void cpuTimeShowsWhatClassifyingCostsByStage() throws Exception {
        ServingAdminGrpc.ServingAdminBlockingStub admin = ServingAdminGrpc.newBlockingStub(channel);
        CpuTimeResponse before = admin.cpuTime(CpuTimeRequest.getDefaultInstance());
        for (int i = 0; i < 10; i++) {
            classifier.classify(request(png("left", 40 + i)).build()); // decoded on the transport's thread
            classifier.classify(request(encoded("top", 40 + i, "jpeg")).build()); // on a decode thread
        }
        CpuTimeResponse after = admin.cpuTime(CpuTimeRequest.getDefaultInstance());
        assertEquals(Set.of("members", "batching", "decoding", "transport"),
                after.getSecondsByStageMap().keySet());
        for (String stage : List.of("members", "batching", "decoding", "transport")) {
            assertTrue(after.getSecondsByStageOrThrow(stage) > before.getSecondsByStageOrThrow(stage),
                    stage + " worked for 20 classifications: " + before + " -> " + after);
        }
        double stages = after.getSecondsByStageMap().values().stream().mapToDouble(Double::doubleValue).sum();
        assertTrue(after.getProcessSeconds() >= stages, "the process includes every stage: " + after);
        // this test runs in the server's JVM
        assertEquals(Runtime.getRuntime().availableProcessors(), after.getAvailableProcessors());
        assertEquals(dev.chorus.serving.ServingCpu.cpusAllowed(), after.getCpusAllowed());
        if (!after.getCpusAllowed().isEmpty()) {
            assertTrue(dev.chorus.serving.ServingCpu.processors(after.getCpusAllowed()).size()
                    >= after.getAvailableProcessors(), "a process may use no more processors than it may run on: "
                    + after);
        }
    }

    @Test
    void theLoadGeneratorDrivesUnaryAndStreamingClientsWithoutErrors() throws Exception {
        try (dev.chorus.drills.LoadGenerator load = new dev.chorus.drills.LoadGenerator("localhost:" + port, ensemble)) {
            for (var mode : dev.chorus.drills.LoadGenerator.Mode.values()) {
                dev.chorus.drills.LoadGenerator.Result result = load.run(4, 0.5, mode);
                assertTrue(result.errors().isEmpty(), mode + ": " + result);
                assertTrue(result.answered() > 0 && result.imagesPerSecond() > 0, mode + ": " + result);
                assertTrue(result.p50Millis() > 0 && result.p99Millis() >= result.p50Millis(), mode + ": " + result);
                assertTrue(result.meanBatch() >= 1 && result.meanBatch() <= 4, "batches of 4 clients: " + result);
            }
        }
    }

    @Test
    void measureThroughputReportsTheInProcessLimitAndRefusesAbsurdArguments() {
        ServingAdminGrpc.ServingAdminBlockingStub admin = ServingAdminGrpc.newBlockingStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        MeasureThroughputResponse limit = admin.measureThroughput(MeasureThroughputRequest.newBuilder()
                .setEnsemble(ensemble).setBatchSize(4).setSeconds(0.3).build());
        assertEquals(4, limit.getBatchSize());
        assertTrue(limit.getImages() >= 4 && limit.getImagesPerSecond() > 0, "measured: " + limit);
        assertTrue(limit.getSingleImageP50Ms() > 0, "one image alone timed: " + limit);
        assertEquals(1, limit.getConcurrentBatches(), "one batch at a time, as the version's one batch worker runs");

        MeasureThroughputResponse twoAtOnce = admin.measureThroughput(MeasureThroughputRequest.newBuilder()
                .setEnsemble(ensemble).setBatchSize(4).setSeconds(0.3).setConcurrentBatches(2).build());
        assertEquals(2, twoAtOnce.getConcurrentBatches());
        assertTrue(twoAtOnce.getImages() >= 8, "each loop ran at least one batch: " + twoAtOnce);

        for (var refused : List.of(
                Map.entry(MeasureThroughputRequest.newBuilder().setEnsemble(ensemble).setSeconds(61).build(),
                        Status.Code.INVALID_ARGUMENT),
                Map.entry(MeasureThroughputRequest.newBuilder().setEnsemble(ensemble).setBatchSize(5000).build(),
                        Status.Code.INVALID_ARGUMENT),
                Map.entry(MeasureThroughputRequest.newBuilder().setEnsemble(ensemble).setConcurrentBatches(17).build(),
                        Status.Code.INVALID_ARGUMENT),
                Map.entry(MeasureThroughputRequest.newBuilder().setEnsemble(ensemble).setConcurrentBatches(-1).build(),
                        Status.Code.INVALID_ARGUMENT),
                Map.entry(MeasureThroughputRequest.newBuilder().setEnsemble("no-such-ensemble").setSeconds(1).build(),
                        Status.Code.NOT_FOUND))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> admin.measureThroughput(refused.getKey()));
            assertEquals(refused.getValue(), e.getStatus().getCode(), e.getStatus().toString());
        }
    }

    @Test
    void measureServingCoreRunsClosedLoopCallersThroughDecodingAndBatchingWithoutTransport() throws Exception {
        ServingAdminGrpc.ServingAdminBlockingStub admin = ServingAdminGrpc.newBlockingStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        MeasureServingCoreResponse four = admin.measureServingCore(MeasureServingCoreRequest.newBuilder()
                .setEnsemble(ensemble).setCallers(4).setSeconds(0.5).build());
        assertEquals(4, four.getCallers());
        assertTrue(four.getVersion() > 0, "the current version, pinned: " + four);
        assertTrue(four.getImages() > 0 && four.getImagesPerSecond() > 0, "measured: " + four);
        assertTrue(four.getP50Ms() > 0 && four.getP99Ms() >= four.getP50Ms(), "latencies: " + four);
        assertTrue(four.getMeanBatch() >= 1 && four.getMeanBatch() <= 4, "batches of at most 4 callers: " + four);

        MeasureServingCoreResponse given = admin.measureServingCore(MeasureServingCoreRequest.newBuilder()
                .setEnsemble(ensemble).setCallers(1).setSeconds(0.3).setImage(ByteString.copyFrom(png("left", 3)))
                .build());
        assertEquals(1.0, given.getMeanBatch(), "one caller is always alone in its batch: " + given);

        for (var refused : List.of(
                Map.entry(MeasureServingCoreRequest.newBuilder().setEnsemble(ensemble).setCallers(0).build(),
                        Status.Code.INVALID_ARGUMENT),
                Map.entry(MeasureServingCoreRequest.newBuilder().setEnsemble(ensemble).setCallers(1025).build(),
                        Status.Code.INVALID_ARGUMENT),
                Map.entry(MeasureServingCoreRequest.newBuilder().setEnsemble(ensemble).setCallers(2).setSeconds(61)
                        .build(), Status.Code.INVALID_ARGUMENT),
                Map.entry(MeasureServingCoreRequest.newBuilder().setEnsemble(ensemble).setCallers(2).setSeconds(0.2)
                        .setImage(ByteString.copyFromUtf8("not an image")).build(), Status.Code.INVALID_ARGUMENT),
                Map.entry(MeasureServingCoreRequest.newBuilder().setEnsemble("no-such-ensemble").setCallers(2).build(),
                        Status.Code.NOT_FOUND))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> admin.measureServingCore(refused.getKey()));
            assertEquals(refused.getValue(), e.getStatus().getCode(), e.getStatus().toString());
        }
    }
}

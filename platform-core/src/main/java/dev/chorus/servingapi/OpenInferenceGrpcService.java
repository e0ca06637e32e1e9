package dev.chorus.servingapi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.google.protobuf.ByteString;

import dev.chorus.ensembles.EnsembleService;
import dev.chorus.ensembles.EnsembleVersion;
import dev.chorus.errors.InvalidRequestException;
import dev.chorus.errors.NotFoundException;
import dev.chorus.proto.inference.GRPCInferenceServiceGrpc;
import dev.chorus.proto.inference.InferTensorContents;
import dev.chorus.proto.inference.ModelInferRequest;
import dev.chorus.proto.inference.ModelInferResponse;
import dev.chorus.proto.inference.ModelMetadataRequest;
import dev.chorus.proto.inference.ModelMetadataResponse;
import dev.chorus.proto.inference.ModelReadyRequest;
import dev.chorus.proto.inference.ModelReadyResponse;
import dev.chorus.proto.inference.ServerLiveRequest;
import dev.chorus.proto.inference.ServerLiveResponse;
import dev.chorus.proto.inference.ServerMetadataRequest;
import dev.chorus.proto.inference.ServerMetadataResponse;
import dev.chorus.proto.inference.ServerReadyRequest;
import dev.chorus.proto.inference.ServerReadyResponse;
import dev.chorus.serving.Classification;
import dev.chorus.serving.ClassifyRequest;
import dev.chorus.serving.ClassifyService;
import dev.chorus.serving.EnsembleRuntime;
import dev.chorus.serving.ServingInput;
import dev.chorus.serving.ServingMetrics;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/**
 * Transport only: the Open Inference Protocol v2 on ensembles. Model = ensemble, version = its
 * version number (empty = current). One input: BYTES [N] of encoded images, or FP32 [N, H, W, C]
 * (or [H, W, C]) of pixels in [0, 1]. Outputs: "probabilities" FP32 [N, classes] and "labels"
 * BYTES [N] (the most probable class), as raw contents when the request used raw contents.
 */
@GrpcService
public class OpenInferenceGrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    static final String PROBABILITIES = "probabilities";
    static final String LABELS = "labels";

    private final ClassifyService classifier;
    private final EnsembleRuntime runtime;
    private final EnsembleService ensembles;
    private final ServingMetrics metrics;
    private final String serverVersion;

    OpenInferenceGrpcService(ClassifyService classifier, EnsembleRuntime runtime, EnsembleService ensembles,
            ServingMetrics metrics, @ConfigProperty(name = "quarkus.application.version") String serverVersion) {
        this.classifier = classifier;
        this.runtime = runtime;
        this.ensembles = ensembles;
        this.metrics = metrics;
        this.serverVersion = serverVersion;
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> response) {
        response.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
        response.onCompleted();
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> response) {
        response.onNext(ServerReadyResponse.newBuilder().setReady(runtime.started()).build());
        response.onCompleted();
    }

    @Override
    @Blocking
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> response) {
        boolean ready;
        try {
            int version = runtime.resolve(request.getName(), version(request.getVersion()));
            ready = runtime.isLoaded(request.getName(), version);
        } catch (NotFoundException unknown) {
            ready = false;
        }
        response.onNext(ModelReadyResponse.newBuilder().setReady(ready).build());
        response.onCompleted();
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> response) {
        response.onNext(ServerMetadataResponse.newBuilder().setName("chorus").setVersion(serverVersion).build());
        response.onCompleted();
    }

    @Override
    @Blocking
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> response) {
        List<EnsembleVersion> versions = ensembles.versions(request.getName());
        EnsembleVersion chosen = ensembles.version(request.getName(),
                runtime.resolve(request.getName(), version(request.getVersion())));
        ModelMetadataResponse.Builder metadata = ModelMetadataResponse.newBuilder().setName(request.getName())
                .setPlatform("chorus-stacked-ensemble")
                .addInputs(tensor("image", "BYTES", -1)).addInputs(tensor("pixels", "FP32", -1, -1, -1, -1))
                .addOutputs(tensor(PROBABILITIES, "FP32", -1, chosen.classes.length))
                .addOutputs(tensor(LABELS, "BYTES", -1));
        versions.forEach(v -> metadata.addVersions(Integer.toString(v.version)));
        response.onNext(metadata.build());
        response.onCompleted();
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> response) {
        // the call's deadline and cancellation are read here, on the call's thread: parsing moves off it
        long deadline = Calls.deadlineNanos();
        var abandoned = Calls.abandoned();
        CompletableFuture.supplyAsync(() -> parse(request)).thenCompose(parsed -> infer(parsed, deadline, abandoned))
                .whenComplete((answer, failure) -> {
                    if (failure != null) {
                        Calls.fail(response, failure, request.getModelName(), metrics);
                    } else {
                        response.onNext(answer);
                        response.onCompleted();
                    }
                });
    }

    private record Parsed(ModelInferRequest request, int version, List<ServingInput.Source> images, boolean raw,
            Set<String> outputs) {
    }

    private Parsed parse(ModelInferRequest request) {
        if (request.getInputsCount() != 1) {
            throw new InvalidRequestException("exactly one input tensor is expected (BYTES images or FP32 pixels), got "
                    + request.getInputsCount());
        }
        Set<String> outputs = new java.util.LinkedHashSet<>();
        request.getOutputsList().forEach(o -> outputs.add(o.getName()));
        for (String name : outputs) {
            if (!name.equals(PROBABILITIES) && !name.equals(LABELS)) {
                throw new InvalidRequestException("unknown output '" + name + "'; outputs are " + PROBABILITIES + " and "
                        + LABELS);
            }
        }
        if (outputs.isEmpty()) {
            outputs.addAll(List.of(PROBABILITIES, LABELS));
        }
        ModelInferRequest.InferInputTensor input = request.getInputs(0);
        boolean raw = request.getRawInputContentsCount() > 0;
        int version = runtime.resolve(request.getModelName(), version(request.getModelVersion()));
        List<ServingInput.Source> images = switch (input.getDatatype()) {
            case "BYTES" -> encoded(input, raw ? splitBytes(request.getRawInputContents(0)) : input.getContents()
                    .getBytesContentsList());
            case "FP32" -> pixels(input, raw ? request.getRawInputContents(0).toByteArray() : null);
            default -> throw new InvalidRequestException("input datatype must be BYTES (encoded images) or FP32"
                    + " (pixels), was '" + input.getDatatype() + "'");
        };
        return new Parsed(request, version, images, raw, outputs);
    }

    private List<ServingInput.Source> encoded(ModelInferRequest.InferInputTensor input, List<ByteString> elements) {
        long expected = input.getShapeList().stream().reduce(1L, Math::multiplyExact);
        if (input.getShapeCount() < 1 || expected != elements.size()) {
            throw new InvalidRequestException("BYTES input of shape " + input.getShapeList() + " needs " + expected
                    + " elements, got " + elements.size());
        }
        return elements.stream().map(bytes -> ServingInput.image(bytes.asReadOnlyByteBuffer(), classifier.limits()))
                .toList();
    }

    private List<ServingInput.Source> pixels(ModelInferRequest.InferInputTensor input, byte[] raw) {
        List<Long> shape = input.getShapeList();
        if (shape.size() == 3) {
            shape = new ArrayList<>(List.of(1L));
            shape.addAll(input.getShapeList());
        }
        if (shape.size() != 4 || shape.get(0) < 1) {
            throw new InvalidRequestException("FP32 input must have shape [N, height, width, channels], was "
                    + input.getShapeList());
        }
        int n = shape.get(0).intValue();
        List<Long> one = shape.subList(1, 4);
        long per = one.stream().reduce(1L, Math::multiplyExact);
        List<Float> values = input.getContents().getFp32ContentsList();
        long have = raw != null ? raw.length / 4 : values.size();
        if (have != per * n || raw != null && raw.length % 4 != 0) {
            throw new InvalidRequestException("FP32 input of shape " + shape + " needs " + per * n + " values, got "
                    + have);
        }
        ServingInput.requireSize((int) Math.min(Integer.MAX_VALUE, per * 4), classifier.limits());
        List<ServingInput.Source> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int from = (int) (i * per);
            images.add(raw != null
                    ? ServingInput.tensor(one, List.of(), java.util.Arrays.copyOfRange(raw, from * 4,
                            (int) (from + per) * 4), classifier.limits())
                    : ServingInput.tensor(one, values.subList(from, (int) (from + per)), null, classifier.limits()));
        }
        return images;
    }

    private CompletableFuture<ModelInferResponse> infer(Parsed parsed, long deadline,
            java.util.function.BooleanSupplier abandoned) {
        List<CompletableFuture<Classification>> results = new ArrayList<>();
        for (ServingInput.Source image : parsed.images()) {
            results.add(Calls.classify(classifier, new ClassifyRequest(parsed.request().getModelName(),
                    parsed.version(), "", parsed.request().getId(), image, 1, deadline, abandoned)));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(done -> answer(parsed, results.stream().map(CompletableFuture::join).toList()));
    }

    private static ModelInferResponse answer(Parsed parsed, List<Classification> results) {
        int n = results.size();
        int classes = results.getFirst().classes().size();
        ModelInferResponse.Builder built = ModelInferResponse.newBuilder().setModelName(parsed.request().getModelName())
                .setModelVersion(Integer.toString(parsed.version())).setId(parsed.request().getId());
        if (parsed.outputs().contains(PROBABILITIES)) {
            ModelInferResponse.InferOutputTensor.Builder tensor = ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(PROBABILITIES).setDatatype("FP32").addShape(n).addShape(classes);
            if (parsed.raw()) {
                ByteBuffer bytes = ByteBuffer.allocate(n * classes * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (Classification r : results) {
                    for (float p : r.probabilities()) {
                        bytes.putFloat(p);
                    }
                }
                built.addRawOutputContents(ByteString.copyFrom(bytes.array()));
            } else {
                InferTensorContents.Builder contents = InferTensorContents.newBuilder();
                results.forEach(r -> {
                    for (float p : r.probabilities()) {
                        contents.addFp32Contents(p);
                    }
                });
                tensor.setContents(contents);
            }
            built.addOutputs(tensor);
        }
        if (parsed.outputs().contains(LABELS)) {
            ModelInferResponse.InferOutputTensor.Builder tensor = ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(LABELS).setDatatype("BYTES").addShape(n);
            List<ByteString> labels = results.stream().map(r -> ByteString.copyFromUtf8(r.labels().getFirst().label()))
                    .toList();
            if (parsed.raw()) {
                built.addRawOutputContents(joinBytes(labels));
            } else {
                tensor.setContents(InferTensorContents.newBuilder().addAllBytesContents(labels));
            }
            built.addOutputs(tensor);
        }
        return built.build();
    }

    /** OIP raw BYTES: each element is a 4-byte little-endian length, then its bytes. */
    static List<ByteString> splitBytes(ByteString raw) {
        List<ByteString> elements = new ArrayList<>();
        ByteBuffer buffer = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (buffer.remaining() < 4) {
                throw new InvalidRequestException("raw BYTES input is malformed: a length prefix is cut short");
            }
            int length = buffer.getInt();
            if (length < 0 || length > buffer.remaining()) {
                throw new InvalidRequestException("raw BYTES input is malformed: an element claims " + length
                        + " bytes, " + buffer.remaining() + " remain");
            }
            byte[] element = new byte[length];
            buffer.get(element);
            elements.add(ByteString.copyFrom(element));
        }
        return elements;
    }

    static ByteString joinBytes(List<ByteString> elements) {
        ByteString.Output out = ByteString.newOutput();
        for (ByteString element : elements) {
            ByteBuffer length = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(element.size());
            out.write(length.array(), 0, 4);
            out.write(element.toByteArray(), 0, element.size());
        }
        return out.toByteString();
    }

    private static int version(String version) {
        if (version == null || version.isBlank()) {
            return 0;
        }
        try {
            int number = Integer.parseInt(version.trim());
            if (number < 1) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("model version must be a positive number, was '" + version + "'");
        }
    }

    private static ModelMetadataResponse.TensorMetadata tensor(String name, String type, long... shape) {
        ModelMetadataResponse.TensorMetadata.Builder tensor = ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(name).setDatatype(type);
        for (long d : shape) {
            tensor.addShape(d);
        }
        return tensor.build();
    }
}

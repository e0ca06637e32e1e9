package dev.chorus.adminapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.protobuf.ByteString;

import dev.chorus.datasets.DatasetClassCount;
import dev.chorus.datasets.DatasetService;
import dev.chorus.datasets.DatasetsConfig;
import dev.chorus.datasets.ImportProgress;
import dev.chorus.datasets.Split;
import dev.chorus.errors.InvalidRequestException;
import dev.chorus.proto.v1.Dataset;
import dev.chorus.proto.v1.DatasetDetails;
import dev.chorus.proto.v1.DatasetsGrpc;
import dev.chorus.proto.v1.DeleteDatasetRequest;
import dev.chorus.proto.v1.DeleteDatasetResponse;
import dev.chorus.proto.v1.GetDatasetRequest;
import dev.chorus.proto.v1.ImportFashionMnistRequest;
import dev.chorus.proto.v1.ImportFolderRequest;
import dev.chorus.proto.v1.ImportUpdate;
import dev.chorus.proto.v1.ListDatasetsRequest;
import dev.chorus.proto.v1.ListDatasetsResponse;
import dev.chorus.proto.v1.Sample;
import dev.chorus.proto.v1.SkippedFile;
import dev.chorus.proto.v1.SplitCounts;
import dev.chorus.proto.v1.UploadZipChunk;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/** Transport only: dataset operations on the chorus.v1 wire messages; errors go through GrpcErrorMapping. */
@GrpcService
@Blocking
public class DatasetsGrpcService extends DatasetsGrpc.DatasetsImplBase {

    private static final String FASHION_MNIST_DEFAULT = "/usr/share/datasets/fashion-mnist";
    private static final int MAX_SAMPLES_PER_CLASS = 16;

    private final DatasetService datasets;
    private final long maxUploadBytes;

    DatasetsGrpcService(DatasetService datasets, DatasetsConfig config) {
        this.datasets = datasets;
        this.maxUploadBytes = config.maxUploadBytes();
    }

    @Override
    public void importFolder(ImportFolderRequest request, StreamObserver<ImportUpdate> response) {
        if (request.getPath().isBlank()) {
            throw new InvalidRequestException("path names the folder on the server to import");
        }
        var dataset = datasets.importFolder(request.getName(), Path.of(request.getPath()), request.getSeed(),
                progressTo(response));
        finish(response, dataset.name);
    }

    @Override
    public void importFashionMnist(ImportFashionMnistRequest request, StreamObserver<ImportUpdate> response) {
        Path source = Path.of(request.getPath().isBlank() ? FASHION_MNIST_DEFAULT : request.getPath());
        var dataset = datasets.importFashionMnist(request.getName(), source, request.getSeed(), progressTo(response));
        finish(response, dataset.name);
    }

    @Override
    public StreamObserver<UploadZipChunk> uploadZip(StreamObserver<Dataset> response) {
        return new ZipUpload(response);
    }

    @Override
    public void listDatasets(ListDatasetsRequest request, StreamObserver<ListDatasetsResponse> response) {
        ListDatasetsResponse.Builder list = ListDatasetsResponse.newBuilder();
        datasets.list().forEach(d -> list.addDatasets(toProto(d.name)));
        response.onNext(list.build());
        response.onCompleted();
    }

    @Override
    public void getDataset(GetDatasetRequest request, StreamObserver<DatasetDetails> response) {
        if (request.getSamplesPerClass() < 0 || request.getSamplesPerClass() > MAX_SAMPLES_PER_CLASS) {
            throw new InvalidRequestException("samples_per_class must be between 0 and " + MAX_SAMPLES_PER_CLASS);
        }
        DatasetDetails.Builder details = DatasetDetails.newBuilder().setDataset(toProto(request.getName()));
        datasets.skipped(request.getName()).forEach(s -> details.addSkipped(
                SkippedFile.newBuilder().setPath(s.path).setReason(s.reason)));
        if (request.getSamplesPerClass() > 0) {
            datasets.samples(request.getName(), request.getSamplesPerClass()).forEach(s -> details.addSamples(
                    Sample.newBuilder().setLabel(s.label()).setClassName(s.className())
                            .setPng(ByteString.copyFrom(s.png()))));
        }
        response.onNext(details.build());
        response.onCompleted();
    }

    @Override
    public void deleteDataset(DeleteDatasetRequest request, StreamObserver<DeleteDatasetResponse> response) {
        datasets.delete(request.getName());
        response.onNext(DeleteDatasetResponse.getDefaultInstance());
        response.onCompleted();
    }

    private void finish(StreamObserver<ImportUpdate> response, String name) {
        response.onNext(ImportUpdate.newBuilder().setDataset(toProto(name)).build());
        response.onCompleted();
    }

    Dataset toProto(String name) {
        var dataset = datasets.get(name);
        List<DatasetClassCount> counts = datasets.counts(name);
        Dataset.Builder proto = Dataset.newBuilder().setName(dataset.name).setSource(dataset.source.name())
                .addAllClasses(dataset.classList()).setSkippedFiles(dataset.skippedFiles)
                .setCreatedAt(Timestamps.of(dataset.createdAt)).setSplitSeed(dataset.splitSeed);
        for (Split split : Split.values()) {
            int[] perClass = new int[dataset.classes.length];
            counts.stream().filter(c -> c.split == split).forEach(c -> perClass[c.classIndex] = c.images);
            SplitCounts.Builder splitCounts = SplitCounts.newBuilder().setSplit(split.name());
            int total = 0;
            for (int images : perClass) {
                splitCounts.addImagesPerClass(images);
                total += images;
            }
            proto.addSplits(splitCounts.setTotal(total));
        }
        return proto.build();
    }

    /** Progress to the caller at most every 100 ms, so a big import does not flood the stream. */
    private static ImportProgress progressTo(StreamObserver<ImportUpdate> response) {
        long[] lastSent = {0};
        return (phase, done, total) -> {
            long now = System.nanoTime();
            if (now - lastSent[0] >= 100_000_000L || done == total) {
                lastSent[0] = now;
                response.onNext(ImportUpdate.newBuilder().setProgress(dev.chorus.proto.v1.ImportProgress.newBuilder()
                        .setPhase(phase).setDone(done).setTotal(total)).build());
            }
        };
    }

    /** Spools the upload to a temporary file as it arrives, then imports it when the client is done. */
    private final class ZipUpload implements StreamObserver<UploadZipChunk> {

        private final StreamObserver<Dataset> response;
        private String name;
        private long seed;
        private Path spool;
        private OutputStream out;
        private long received;
        private boolean failed;

        ZipUpload(StreamObserver<Dataset> response) {
            this.response = response;
        }

        @Override
        public void onNext(UploadZipChunk chunk) {
            if (failed) {
                return;
            }
            try {
                if (chunk.hasHeader()) {
                    if (name != null) {
                        throw new InvalidRequestException("the upload sent a second header");
                    }
                    name = chunk.getHeader().getName();
                    seed = chunk.getHeader().getSeed();
                    spool = Files.createTempFile("chorus-upload-", ".zip");
                    out = Files.newOutputStream(spool);
                } else {
                    if (out == null) {
                        throw new InvalidRequestException("the upload must start with a header naming the dataset");
                    }
                    received += chunk.getData().size();
                    if (received > maxUploadBytes) {
                        throw new InvalidRequestException("the upload exceeds the limit of " + maxUploadBytes
                                + " bytes (chorus.datasets.max-upload-bytes); nothing was imported");
                    }
                    chunk.getData().writeTo(out);
                }
            } catch (IOException | RuntimeException e) {
                fail(e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e);
            }
        }

        @Override
        public void onError(Throwable t) {
            cleanUp();
        }

        @Override
        public void onCompleted() {
            if (failed) {
                return;
            }
            try {
                if (out == null) {
                    throw new InvalidRequestException("the upload was empty: no header, no data");
                }
                out.close();
                try (InputStream zip = Files.newInputStream(spool)) {
                    var dataset = datasets.importZip(name, zip, seed, ImportProgress.NONE);
                    response.onNext(toProto(dataset.name));
                    response.onCompleted();
                }
            } catch (IOException e) {
                response.onError(GrpcErrorMapping.toStatus(new UncheckedIOException(e)).asRuntimeException());
            } catch (RuntimeException e) {
                response.onError(GrpcErrorMapping.toStatus(e).asRuntimeException());
            } finally {
                cleanUp();
            }
        }

        private void fail(RuntimeException e) {
            failed = true;
            cleanUp();
            response.onError(GrpcErrorMapping.toStatus(e).asRuntimeException());
        }

        private void cleanUp() {
            try {
                if (out != null) {
                    out.close();
                }
                if (spool != null) {
                    Files.deleteIfExists(spool);
                }
            } catch (IOException ignored) {
                // a temporary file the OS will reclaim
            }
        }
    }
}

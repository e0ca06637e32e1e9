package dev.chorus.adminapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.imageio.ImageIO;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.protobuf.ByteString;

import dev.chorus.proto.v1.Dataset;
import dev.chorus.proto.v1.DatasetDetails;
import dev.chorus.proto.v1.DatasetsGrpc;
import dev.chorus.proto.v1.DeleteDatasetRequest;
import dev.chorus.proto.v1.GetDatasetRequest;
import dev.chorus.proto.v1.ImportFolderRequest;
import dev.chorus.proto.v1.ImportUpdate;
import dev.chorus.proto.v1.ListDatasetsRequest;
import dev.chorus.proto.v1.UploadZipChunk;
import dev.chorus.proto.v1.UploadZipHeader;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;

/** The datasets admin API over a real socket: streamed progress, streamed upload, typed errors. */
@QuarkusTest
class DatasetsApiTest {

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int port;

    @TempDir
    Path source;

    ManagedChannel channel;
    DatasetsGrpc.DatasetsBlockingStub blocking;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        blocking = DatasetsGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (Dataset dataset : blocking.listDatasets(ListDatasetsRequest.getDefaultInstance()).getDatasetsList()) {
            blocking.deleteDataset(DeleteDatasetRequest.newBuilder().setName(dataset.getName()).build());
        }
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    static void image(Path file, int seed) throws Exception {
        Files.createDirectories(file.getParent());
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(10, 10,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSample(seed % 10, seed % 7, 0, 200);
        ImageIO.write(image, "png", file.toFile());
    }

    @Test
    void importsAFolderStreamingProgressThenTheDataset() throws Exception {
        for (int i = 0; i < 10; i++) {
            image(source.resolve("left/" + i + ".png"), i);
            image(source.resolve("right/" + i + ".png"), 50 + i);
        }
        Iterator<ImportUpdate> updates = blocking.withDeadlineAfter(60, TimeUnit.SECONDS).importFolder(
                ImportFolderRequest.newBuilder().setName("sides").setPath(source.toString()).setSeed(4).build());
        List<ImportUpdate> all = new ArrayList<>();
        updates.forEachRemaining(all::add);

        assertTrue(all.get(0).hasProgress());
        Dataset dataset = all.get(all.size() - 1).getDataset();
        assertEquals(List.of("left", "right"), dataset.getClassesList());
        assertEquals("TRAIN", dataset.getSplits(0).getSplit());
        assertEquals(20, dataset.getSplitsList().stream().mapToInt(s -> s.getTotal()).sum());

        DatasetDetails details = blocking.getDataset(GetDatasetRequest.newBuilder().setName("sides")
                .setSamplesPerClass(2).build());
        assertEquals(4, details.getSamplesCount());
        assertTrue(ImageIO.read(details.getSamples(0).getPng().newInput()) != null, "thumbnails are PNGs");
    }

    @Test
    void uploadsAZipInChunks() throws Exception {
        Path zip = source.resolve("upload.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String name : List.of("a", "b")) {
                for (int i = 0; i < 5; i++) {
                    Path png = source.resolve(name + i + ".png");
                    image(png, i + name.length());
                    out.putNextEntry(new ZipEntry("data/" + name + "/" + i + ".png"));
                    out.write(Files.readAllBytes(png));
                }
            }
        }
        byte[] bytes = Files.readAllBytes(zip);
        CompletableFuture<Dataset> result = new CompletableFuture<>();
        StreamObserver<UploadZipChunk> upload = DatasetsGrpc.newStub(channel).uploadZip(observer(result));
        upload.onNext(UploadZipChunk.newBuilder().setHeader(UploadZipHeader.newBuilder().setName("zipped").setSeed(1))
                .build());
        for (int offset = 0; offset < bytes.length; offset += 1000) {
            upload.onNext(UploadZipChunk.newBuilder().setData(ByteString.copyFrom(bytes, offset,
                    Math.min(1000, bytes.length - offset))).build());
        }
        upload.onCompleted();
        Dataset dataset = result.get(60, TimeUnit.SECONDS);
        assertEquals(List.of("a", "b"), dataset.getClassesList());
        assertEquals("ZIP_UPLOAD", dataset.getSource());
    }

    @Test
    void anUploadWithoutAHeaderIsInvalid() throws Exception {
        CompletableFuture<Dataset> result = new CompletableFuture<>();
        StreamObserver<UploadZipChunk> upload = DatasetsGrpc.newStub(channel).uploadZip(observer(result));
        upload.onNext(UploadZipChunk.newBuilder().setData(ByteString.copyFromUtf8("PK")).build());
        upload.onCompleted();
        StatusRuntimeException error = assertThrows(StatusRuntimeException.class, () -> {
            try {
                result.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause();
            }
        });
        assertEquals(Status.Code.INVALID_ARGUMENT, error.getStatus().getCode());
        assertTrue(error.getStatus().getDescription().contains("must start with a header"));
    }

    @Test
    void answersWithTypedErrors() throws Exception {
        StatusRuntimeException missing = assertThrows(StatusRuntimeException.class, () -> blocking.getDataset(
                GetDatasetRequest.newBuilder().setName("nope").build()));
        assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());

        image(source.resolve("lonely/1.png"), 1);
        StatusRuntimeException oneClass = assertThrows(StatusRuntimeException.class, () -> blocking
                .importFolder(ImportFolderRequest.newBuilder().setName("lonely").setPath(source.toString()).build())
                .forEachRemaining(u -> { }));
        assertEquals(Status.Code.INVALID_ARGUMENT, oneClass.getStatus().getCode());
        assertTrue(oneClass.getStatus().getDescription().startsWith("only one class ('lonely')"));

        image(source.resolve("other/1.png"), 2);
        image(source.resolve("other/2.png"), 3);
        image(source.resolve("lonely/2.png"), 4);
        blocking.importFolder(ImportFolderRequest.newBuilder().setName("pair").setPath(source.toString()).build())
                .forEachRemaining(u -> { });
        StatusRuntimeException taken = assertThrows(StatusRuntimeException.class, () -> blocking
                .importFolder(ImportFolderRequest.newBuilder().setName("pair").setPath(source.toString()).build())
                .forEachRemaining(u -> { }));
        assertEquals(Status.Code.ALREADY_EXISTS, taken.getStatus().getCode());
        assertFalse(blocking.listDatasets(ListDatasetsRequest.getDefaultInstance()).getDatasetsList().isEmpty());
    }

    private static <T> StreamObserver<T> observer(CompletableFuture<T> result) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                result.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
            }
        };
    }
}

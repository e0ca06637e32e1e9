package dev.chorus.adminapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chorus.datasets.DatasetService;
import dev.chorus.datasets.ImportProgress;
import dev.chorus.proto.v1.CancelRunRequest;
import dev.chorus.proto.v1.DeviceRequest;
import dev.chorus.proto.v1.GetRunRequest;
import dev.chorus.proto.v1.ListRunsRequest;
import dev.chorus.proto.v1.RetryRunRequest;
import dev.chorus.proto.v1.Run;
import dev.chorus.proto.v1.RunDetails;
import dev.chorus.proto.v1.RunState;
import dev.chorus.proto.v1.RunsGrpc;
import dev.chorus.proto.v1.SubmitRunRequest;
import dev.chorus.proto.v1.WatchRunRequest;
import dev.chorus.errors.ConflictException;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;

/** The runs admin API over a real socket: submit, watch to the end, cancel, retry, errors. */
@QuarkusTest
class RunsApiTest {

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int port;
    @Inject
    DatasetService datasets;
    @TempDir
    Path images;

    ManagedChannel channel;
    RunsGrpc.RunsBlockingStub runs;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        runs = RunsGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    Run submit(String epochs, String dataset) {
        return runs.submitRun(SubmitRunRequest.newBuilder().setKind("tiny-mlp").putParameters("epochs", epochs)
                .putParameters("steps", "20").setDevice(DeviceRequest.DEVICE_REQUEST_CPU).setDataset(dataset)
                .setEnsemble("api-test").build());
    }

    @Test
    void watchStreamsARunToItsEndWithItsEpochs() {
        Run submitted = submit("2", "");
        // The local worker is woken by the submit and may already hold it.
        assertTrue(submitted.getState() == RunState.RUN_STATE_QUEUED
                || submitted.getState() == RunState.RUN_STATE_RUNNING, submitted.getState().toString());
        List<RunDetails> updates = new ArrayList<>();
        runs.watchRun(WatchRunRequest.newBuilder().setId(submitted.getId()).build()).forEachRemaining(updates::add);

        RunDetails last = updates.get(updates.size() - 1);
        assertEquals(RunState.RUN_STATE_SUCCEEDED, last.getRun().getState());
        assertEquals(2, last.getEpochsCount());
        assertTrue(last.getTransitionsList().get(0).endsWith("QUEUED: submitted"), last.getTransitionsList().toString());
        assertEquals("20", last.getRun().getParametersMap().get("steps"));
        assertTrue(runs.listRuns(ListRunsRequest.newBuilder().setEnsemble("api-test").build()).getRunsList()
                .stream().anyMatch(r -> r.getId() == submitted.getId()));
    }

    @Test
    void cancelsAndRetries() throws Exception {
        Run run = submit("100000", "");
        waitFor(run.getId(), RunState.RUN_STATE_RUNNING);
        runs.cancelRun(CancelRunRequest.newBuilder().setId(run.getId()).build());
        waitFor(run.getId(), RunState.RUN_STATE_CANCELLED);
        Run retried = runs.retryRun(RetryRunRequest.newBuilder().setId(run.getId()).build());
        assertTrue(retried.getState() == RunState.RUN_STATE_QUEUED || retried.getState() == RunState.RUN_STATE_RUNNING);
        runs.cancelRun(CancelRunRequest.newBuilder().setId(run.getId()).build());
        waitFor(run.getId(), RunState.RUN_STATE_CANCELLED);
    }

    @Test
    void aDatasetARunUsesCannotBeDeleted() throws Exception {
        for (String name : List.of("a", "b")) {
            for (int i = 0; i < 3; i++) {
                Path file = Files.createDirectories(images.resolve(name)).resolve(i + ".png");
                javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(4, 4,
                        java.awt.image.BufferedImage.TYPE_INT_RGB), "png", file.toFile());
            }
        }
        datasets.importFolder("in-use", images, 1, ImportProgress.NONE);
        Run run = submit("100000", "in-use");
        ConflictException refused = assertThrows(ConflictException.class, () -> datasets.delete("in-use"));
        assertTrue(refused.getMessage().contains("run " + run.getId()), refused.getMessage());
        runs.cancelRun(CancelRunRequest.newBuilder().setId(run.getId()).build());
        waitFor(run.getId(), RunState.RUN_STATE_CANCELLED);
        datasets.delete("in-use");
    }

    @Test
    void answersWithTypedErrors() {
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                () -> runs.getRun(GetRunRequest.newBuilder().setId(987654).build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
        StatusRuntimeException badKind = assertThrows(StatusRuntimeException.class,
                () -> runs.submitRun(SubmitRunRequest.newBuilder().setKind("nope").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, badKind.getStatus().getCode());
        Run done = submit("1", "");
        runs.watchRun(WatchRunRequest.newBuilder().setId(done.getId()).build()).forEachRemaining(u -> { });
        StatusRuntimeException finished = assertThrows(StatusRuntimeException.class,
                () -> runs.cancelRun(CancelRunRequest.newBuilder().setId(done.getId()).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, finished.getStatus().getCode());
        assertTrue(finished.getStatus().getDescription().contains("is SUCCEEDED and cannot become CANCELLED"));
    }

    private void waitFor(long id, RunState state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (runs.getRun(GetRunRequest.newBuilder().setId(id).build()).getRun().getState() != state) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("run " + id + " never became " + state);
            }
            Thread.sleep(50);
        }
    }
}

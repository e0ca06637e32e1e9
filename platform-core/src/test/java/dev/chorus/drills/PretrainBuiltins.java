package dev.chorus.drills;

import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.chorus.proto.v1.DatasetsGrpc;
import dev.chorus.proto.v1.DeviceRequest;
import dev.chorus.proto.v1.EpochMetrics;
import dev.chorus.proto.v1.GetDatasetRequest;
import dev.chorus.proto.v1.ImportFashionMnistRequest;
import dev.chorus.proto.v1.RunDetails;
import dev.chorus.proto.v1.RunState;
import dev.chorus.proto.v1.RunsGrpc;
import dev.chorus.proto.v1.SubmitRunRequest;
import dev.chorus.proto.v1.WatchRunRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;

/**
 * Gives a newcomer's Chorus available backbones: asks a running Chorus (admin API) to pretrain
 * the three builtin architectures on Fashion-MNIST (importing it first if needed) and prints
 * each epoch's accuracy and speed as the runs go. Arguments: [host:port] [epochs].
 */
public final class PretrainBuiltins {

    private PretrainBuiltins() {
    }

    public static void main(String[] args) throws InterruptedException {
        String target = args.length > 0 ? args[0] : "localhost:9000";
        String epochs = args.length > 1 ? args[1] : "5";
        String[] hostPort = target.split(":");
        ManagedChannel channel = ManagedChannelBuilder.forAddress(hostPort[0], Integer.parseInt(hostPort[1]))
                .usePlaintext().build();
        try {
            ensureFashionMnist(DatasetsGrpc.newBlockingStub(channel));
            RunsGrpc.RunsBlockingStub runs = RunsGrpc.newBlockingStub(channel);
            for (String architecture : List.of("resnet-mini", "mobilenet-mini", "vgg-mini")) {
                long id = runs.submitRun(SubmitRunRequest.newBuilder().setKind("pretrain-backbone")
                        .putParameters("architecture", architecture).putParameters("dataset", "fashion-mnist")
                        .putParameters("epochs", epochs).putParameters("batch_size", "64")
                        .putParameters("schedule", "cosine").setDataset("fashion-mnist")
                        .setDevice(DeviceRequest.DEVICE_REQUEST_GPU_PREFERRED).build()).getId();
                System.out.printf("%s: run %d submitted%n", architecture, id);
                watch(runs, architecture, id);
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static void ensureFashionMnist(DatasetsGrpc.DatasetsBlockingStub datasets) {
        try {
            datasets.getDataset(GetDatasetRequest.newBuilder().setName("fashion-mnist").build());
        } catch (StatusRuntimeException notThere) {
            System.out.println("importing Fashion-MNIST as 'fashion-mnist'");
            datasets.importFashionMnist(ImportFashionMnistRequest.newBuilder().setName("fashion-mnist").setSeed(42)
                    .build()).forEachRemaining(update -> { });
        }
    }

    private static void watch(RunsGrpc.RunsBlockingStub runs, String architecture, long id) {
        int printed = 0;
        RunDetails last = null;
        var updates = runs.watchRun(WatchRunRequest.newBuilder().setId(id).build());
        while (updates.hasNext()) {
            last = updates.next();
            for (; printed < last.getEpochsCount(); printed++) {
                EpochMetrics e = last.getEpochs(printed);
                System.out.printf("%s epoch %d: loss %.4f, train accuracy %.4f, validation accuracy %.4f,"
                        + " %.0f s, %.0f images/s%n", architecture, e.getEpoch(), e.getLoss(), e.getAccuracy(),
                        e.getValidationAccuracy(), e.getSeconds(), e.getImagesPerSecond());
            }
        }
        if (last != null) {
            System.out.printf("%s: run %d %s%s%n", architecture, id, last.getRun().getState(),
                    last.getRun().getState() == RunState.RUN_STATE_FAILED ? " — " + last.getRun().getError() : "");
        }
    }
}

package dev.chorus.ensembles;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.imageio.ImageIO;

import dev.chorus.datasets.DatasetService;
import dev.chorus.datasets.ImportProgress;
import dev.chorus.registry.BackboneVersion;
import dev.chorus.training.DeviceRequest;
import dev.chorus.training.RunRequest;
import dev.chorus.training.RunState;
import dev.chorus.training.TrainingRun;
import dev.chorus.training.TrainingService;
import dev.chorus.training.backbones.PretrainBackboneJob;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * A small generated dataset (three classes of 28×28 gray images: bright left half, right half,
 * top half, with noise) and two builtin backbones pretrained on it for one epoch: the members the
 * stacking tests compose. Made once per test JVM and reused while it still exists.
 */
public final class StackingFixture {

    static final String DATASET = "shapes";
    /** Test databases outlive a run: names made here get this suffix so a second run does not collide. */
    static final String RUN = Long.toString(System.currentTimeMillis() % 46_656_000L, 36);
    static final List<String> CLASSES = List.of("left", "right", "top");
    private static List<String> members;

    private StackingFixture() {
    }

    static synchronized List<String> members(DatasetService datasets, TrainingService training) {
        try {
            return prepare(datasets, training);
        } catch (Exception e) {
            throw new IllegalStateException("the stacking fixture could not be prepared: " + e.getMessage(), e);
        }
    }

    private static List<String> prepare(DatasetService datasets, TrainingService training) throws Exception {
        if (members != null && datasets.find(DATASET).isPresent()) {
            return members;
        }
        datasets.find(DATASET).ifPresent(d -> datasets.delete(DATASET));
        Path images = Files.createTempDirectory("shapes");
        Random random = new Random(5);
        for (String kind : CLASSES) {
            for (int i = 0; i < 80; i++) {
                ImageIO.write(image(kind, random), "png",
                        Files.createDirectories(images.resolve(kind)).resolve(i + ".png").toFile());
            }
        }
        datasets.importFolder(DATASET, images, 11, ImportProgress.NONE);
        List<String> trained = new ArrayList<>();
        for (String architecture : List.of("resnet-mini", "vgg-mini")) {
            TrainingRun run = awaitEnd(training, training.submit(new RunRequest(PretrainBackboneJob.NAME,
                    Map.of("architecture", architecture, "dataset", DATASET, "epochs", "1", "batch_size", "16"), null,
                    DATASET, 0, DeviceRequest.CPU, 1)));
            if (run.state != RunState.SUCCEEDED) {
                throw new IllegalStateException("pretraining " + architecture + " failed: " + run.error);
            }
            trained.add(QuarkusTransaction.requiringNew().call(() -> BackboneVersion
                    .<BackboneVersion>list("trainingRunId", run.id).getFirst().key()));
        }
        members = List.copyOf(trained);
        return members;
    }

    /**
     * Deletes the fixture's dataset (the versions stay: they need no dataset). Other tests expect
     * to start with no dataset at all, so each class using the fixture calls this when done.
     */
    public static synchronized void cleanUp() {
        DatasetService datasets = io.quarkus.arc.Arc.container().instance(DatasetService.class).get();
        datasets.find(DATASET).ifPresent(d -> datasets.delete(DATASET));
        members = null;
    }

    public static BufferedImage image(String kind, Random random) {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                boolean bright = switch (kind) {
                    case "left" -> x < 14;
                    case "right" -> x >= 14;
                    default -> y < 14;
                };
                image.getRaster().setSample(x, y, 0, (bright ? 170 : 40) + random.nextInt(60));
            }
        }
        return image;
    }

    static TrainingRun awaitEnd(TrainingService training, long id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
        TrainingRun run = training.get(id);
        while (!run.state.isTerminal() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            run = training.get(id);
        }
        return run;
    }
}

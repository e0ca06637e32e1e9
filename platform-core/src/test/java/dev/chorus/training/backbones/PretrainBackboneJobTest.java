package dev.chorus.training.backbones;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import javax.imageio.ImageIO;
import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import dev.chorus.artifacts.ArtifactStore;
import dev.chorus.plugins.builtincnn.Architecture;
import ai.djl.ndarray.types.Shape;
import dev.chorus.datasets.DatasetService;
import dev.chorus.datasets.ImportProgress;
import dev.chorus.plugin.api.FeatureExtractor;
import dev.chorus.registry.BackboneRegistry;
import dev.chorus.registry.BackboneVersion;
import dev.chorus.registry.TrainedBackbones;
import dev.chorus.training.DeviceRequest;
import dev.chorus.training.RunRequest;
import dev.chorus.training.RunState;
import dev.chorus.training.TrainingRun;
import dev.chorus.training.TrainingService;
import io.quarkus.test.junit.QuarkusTest;

/** Pretraining a builtin architecture on a small generated dataset yields a new, verified backbone version. */
@QuarkusTest
class PretrainBackboneJobTest {

    @Inject
    DatasetService datasets;
    @Inject
    TrainingService training;
    @Inject
    BackboneRegistry registry;
    @Inject
    DataSource dataSource;
    @Inject
    ArtifactStore artifacts;
    @TempDir
    Path images;

    @BeforeEach
    void generateDataset() throws Exception {
        Random random = new Random(3);
        for (String side : new String[] {"left", "right"}) {
            for (int i = 0; i < 60; i++) {
                BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        boolean bright = (x < 14) == side.equals("left");
                        image.getRaster().setSample(x, y, 0, (bright ? 180 : 30) + random.nextInt(60));
                    }
                }
                Path file = Files.createDirectories(images.resolve(side)).resolve(i + ".png");
                ImageIO.write(image, "png", file.toFile());
            }
        }
        datasets.importFolder("halves", images, 11, ImportProgress.NONE);
    }

    @AfterEach
    void removeDataset() {
        datasets.delete("halves");
    }

    TrainingRun runToTheEnd(Map<String, String> parameters) throws InterruptedException {
        long id = training.submit(new RunRequest(PretrainBackboneJob.NAME, parameters, null, "halves", 0,
                DeviceRequest.CPU, 1));
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        TrainingRun run = training.get(id);
        while (!run.state.isTerminal() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            run = training.get(id);
        }
        return run;
    }

    @Test
    void aPretrainRunRegistersAnAvailableVersionWithLineageAndDetectsCorruptedWeights() throws Exception {
        TrainingRun run = runToTheEnd(Map.of("architecture", "vgg-mini", "dataset", "halves", "epochs", "2",
                "batch_size", "16", "learning_rate", "0.002"));
        assertEquals(RunState.SUCCEEDED, run.state, run.error);
        assertEquals(2, training.epochs(run.id).size());

        BackboneVersion trained = BackboneVersion.<BackboneVersion>list("trainingRunId", run.id).get(0);
        assertEquals(BackboneVersion.Status.AVAILABLE, trained.status, trained.statusReason);
        assertEquals(TrainedBackbones.PLUGIN_ID, trained.plugin);
        assertEquals("halves", trained.trainedOnDataset);
        assertNotNull(trained.testAccuracy);
        assertTrue(trained.hyperparameters.contains("\"epochs\":\"2\""), trained.hyperparameters);

        try (FeatureExtractor extractor = registry.provider("vgg-mini", trained.version).orElseThrow().open();
                NDManager manager = NDManager.newBaseManager()) {
            assertEquals(new Shape(2, 128), extractor.extract(manager.zeros(new Shape(2, 1, 28, 28))).getShape());
        }

        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT lo_put(content_oid, 100, '\\x00ff00ff'::bytea) FROM artifact WHERE id = ?")) {
            s.setLong(1, trained.weightsArtifactId);
            s.execute();
        }
        registry.synchronize();
        BackboneVersion corrupted = registry.get("vgg-mini", trained.version);
        assertEquals(BackboneVersion.Status.UNAVAILABLE, corrupted.status);
        assertTrue(corrupted.statusReason.contains("is corrupted: recorded sha256"), corrupted.statusReason);
    }

    @Test
    void aFineTuneRunChangesOnlyTheUnfrozenTopBlock() throws Exception {
        TrainingRun pretrain = runToTheEnd(Map.of("architecture", "resnet-mini", "dataset", "halves", "epochs", "1",
                "batch_size", "16"));
        assertEquals(RunState.SUCCEEDED, pretrain.state, pretrain.error);
        BackboneVersion parent = BackboneVersion.<BackboneVersion>list("trainingRunId", pretrain.id).get(0);

        long id = training.submit(new RunRequest(FineTuneBackboneJob.NAME, Map.of("parent", "resnet-mini:"
                + parent.version, "dataset", "halves", "epochs", "1", "batch_size", "16", "learning_rate", "0.01"),
                null, "halves", 0, DeviceRequest.CPU, 1));
        TrainingRun fineTune = training.get(id);
        while (!fineTune.state.isTerminal()) {
            Thread.sleep(200);
            fineTune = training.get(id);
        }
        assertEquals(RunState.SUCCEEDED, fineTune.state, fineTune.error);
        BackboneVersion child = BackboneVersion.<BackboneVersion>list("trainingRunId", id).get(0);
        assertEquals("resnet-mini:" + parent.version, child.parentBackbone);

        Map<String, float[]> before = parameters(parent);
        Map<String, float[]> after = parameters(child);
        Block reference = Architecture.RESNET_MINI.build();
        String top = ((SequentialBlock) reference).getChildren().keys().stream()
                .filter(key -> key.contains("ParallelBlock")).reduce((a, b) -> b).orElseThrow();
        boolean topChanged = false;
        for (String name : before.keySet()) {
            boolean same = java.util.Arrays.equals(before.get(name), after.get(name));
            if (name.startsWith(top)) {
                topChanged |= !same;
            } else {
                assertTrue(same, "frozen parameter " + name + " changed");
            }
        }
        assertTrue(topChanged, "the unfrozen top block " + top + " did not change");
    }

    /** A trained version's parameters by name, read back from its weights artifact. */
    Map<String, float[]> parameters(BackboneVersion version) throws Exception {
        Path dir = Files.createTempDirectory("params");
        artifacts.copyToFile(version.weightsArtifactId, dir.resolve("p-0000.params"));
        Block block = Architecture.valueOf(version.architecture).build();
        Map<String, float[]> values = new java.util.TreeMap<>();
        try (Model model = Model.newInstance("read")) {
            model.setBlock(block);
            model.load(dir, "p");
            for (var parameter : block.getParameters()) {
                values.put(parameter.getKey(), parameter.getValue().getArray().toFloatArray());
            }
        }
        return values;
    }

    @Test
    void aLossThatBecomesNaNFailsTheRunSayingSo() throws Exception {
        TrainingRun run = runToTheEnd(Map.of("architecture", "vgg-mini", "dataset", "halves", "epochs", "2",
                "batch_size", "16", "learning_rate", "1e30", "optimizer", "sgd"));
        assertEquals(RunState.FAILED, run.state);
        assertTrue(run.error.contains("lower the learning rate (was 1.0E30)"), run.error);
    }
}

package dev.chorus.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import javax.imageio.ImageIO;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.chorus.datasets.DatasetService;
import dev.chorus.datasets.ImportProgress;
import dev.chorus.ensembles.EnsembleService;
import dev.chorus.ensembles.EnsembleVersion;
import dev.chorus.ensembles.PinnedMember;
import dev.chorus.ensembles.StackingSupport;
import dev.chorus.errors.NotFoundException;
import dev.chorus.training.RunState;
import dev.chorus.training.TrainingService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The first-run demo, on a small generated dataset standing in for Fashion-MNIST: once the demo
 * dataset exists, ordinary runs pretrain the three builtin architectures, then stack them into
 * the demo ensemble's first version.
 */
@QuarkusTest
@TestProfile(DemoEnsembleTest.DemoOn.class)
class DemoEnsembleTest {

    public static class DemoOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chorus.demo.ensemble.enabled", "true", "chorus.demo.ensemble.dataset", "demo-shapes",
                    "chorus.demo.ensemble.name", "demo-" + StackingSupport.RUN,
                    "chorus.demo.ensemble.pretrain-epochs", "1", "chorus.demo.ensemble.head-epochs", "3");
        }
    }

    @Inject
    DatasetService datasets;
    @Inject
    EnsembleService ensembles;
    @Inject
    TrainingService training;

    @Test
    void theDemoPretrainsTheBuiltinsAndStacksThemThroughOrdinaryRuns() throws Exception {
        if (datasets.find("demo-shapes").isEmpty()) {
            Path images = Files.createTempDirectory("demo-shapes");
            Random random = new Random(8);
            for (String kind : List.of("left", "right", "top")) {
                for (int i = 0; i < 40; i++) {
                    ImageIO.write(StackingSupport.image(kind, random), "png",
                            Files.createDirectories(images.resolve(kind)).resolve(i + ".png").toFile());
                }
            }
            datasets.importFolder("demo-shapes", images, 3, ImportProgress.NONE);
        }
        String name = "demo-" + StackingSupport.RUN;
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        Optional<EnsembleVersion> version = Optional.empty();
        while (version.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            try {
                version = Optional.of(ensembles.version(name, 0));
            } catch (NotFoundException notYet) {
                // still pretraining or stacking
            }
        }
        EnsembleVersion built = version.orElseThrow(() -> new AssertionError("no demo version within 4 minutes"));
        assertEquals(List.of("resnet-mini", "mobilenet-mini", "vgg-mini"), built.pinnedMembers().stream()
                .map(PinnedMember::backbone).map(key -> key.substring(0, key.indexOf(':'))).toList());
        assertEquals(List.of("left", "right", "top"), List.of(built.classes));
        long pretrains = training.list(Optional.of(RunState.SUCCEEDED), Optional.empty(), 1000).stream()
                .filter(run -> run.kind.equals("pretrain-backbone") && "demo-shapes".equals(run.dataset)).count();
        assertTrue(pretrains >= 3, "the backbones were pretrained by ordinary runs: " + pretrains);
        assertEquals(RunState.SUCCEEDED, training.get(built.trainingRunId).state);
    }

    @org.junit.jupiter.api.AfterEach
    void removeDataset() {
        datasets.find("demo-shapes").ifPresent(d -> datasets.delete("demo-shapes"));
    }
}

package dev.chorus.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** A first start with no dataset imports Fashion-MNIST as the demo, in the background. */
@QuarkusTest
@TestProfile(DemoDatasetTest.DemoEnabled.class)
class DemoDatasetTest {

    public static class DemoEnabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chorus.datasets.demo.enabled", "true",
                    "chorus.datasets.directory", "target/test-datasets-demo-" + ProcessHandle.current().pid());
        }
    }

    @Inject
    DatasetService datasets;

    @AfterEach
    void removeDemo() {
        datasets.list().forEach(d -> datasets.delete(d.name));
    }

    @Test
    void importsFashionMnistAsTheDemoDataset() throws Exception {
        assumeTrue(FashionMnistImport.present(DatasetServiceTest.FASHION_MNIST),
                "needs Debian's dataset-fashion-mnist (CI installs it)");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (datasets.list().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        Dataset demo = datasets.get("fashion-mnist");
        assertEquals(Dataset.Source.FASHION_MNIST, demo.source);
        assertEquals(10, demo.classes.length);
    }
}

package dev.chorus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.chorus.plugin.api.FeatureExtractor;
import dev.chorus.plugins.mxnetimport.ExportedModel;
import dev.chorus.registry.BackboneVersion.Status;
import io.quarkus.test.junit.QuarkusTest;

/** A user's MXNet export dropped into the weights directory, found, registered and run by Chorus. */
@QuarkusTest
class ImportedModelTest {

    static final Path IMPORTS = Path.of("target/test-weights/mxnet-import");

    @Inject
    BackboneRegistry registry;

    @AfterEach
    void removeTheExport() throws Exception {
        if (Files.exists(IMPORTS)) {
            try (Stream<Path> files = Files.walk(IMPORTS)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
        registry.synchronize();
    }

    @Test
    void anExportWithADescriptorBecomesAnAvailableBackboneThatExtractsFeatures() throws Exception {
        Path model = IMPORTS.resolve("users-net");
        ExportedModel.writeClassifier(model, "users-net", 1, 16, 1, 4, 9);
        Files.writeString(model.resolve("backbone.properties"), """
                name=users-net
                version=2024.1
                input.height=28
                input.width=28
                input.channels=1
                feature.layer=auto
                feature.dimension=16
                """);
        registry.synchronize();

        BackboneVersion registered = registry.get("users-net", "2024.1");
        assertEquals(Status.AVAILABLE, registered.status, registered.statusReason);
        assertEquals("mxnet-import", registered.plugin);
        assertEquals(64, registered.weightsSha256.length());

        try (FeatureExtractor extractor = registry.provider("users-net", "2024.1").orElseThrow().open();
                NDManager manager = NDManager.newBaseManager()) {
            assertEquals(new Shape(5, 16), extractor.extract(manager.ones(new Shape(5, 1, 28, 28))).getShape());
        }

        removeTheExport();
        BackboneVersion gone = registry.get("users-net", "2024.1");
        assertEquals(Status.UNAVAILABLE, gone.status);
        assertTrue(gone.statusReason.startsWith("no plugin offers it any more"), gone.statusReason);
    }
}

package dev.chorus.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chorus.errors.AlreadyExistsException;
import dev.chorus.errors.InvalidRequestException;
import dev.chorus.errors.NotFoundException;
import io.quarkus.test.junit.QuarkusTest;

/** Datasets end to end: files in the managed directory, rows in PostgreSQL, nothing half-done. */
@QuarkusTest
class DatasetServiceTest {

    static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    @Inject
    DatasetService datasets;

    @TempDir
    Path source;

    @AfterEach
    void deleteAll() {
        datasets.list().forEach(d -> datasets.delete(d.name));
    }

    List<String> managedEntries() throws Exception {
        if (!Files.isDirectory(datasets.root())) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(datasets.root())) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void importsAFolderTreeWithCountsAndTheSkippedFiles() throws Exception {
        TestImages.classFolders(source.resolve("train"), List.of("boot", "shirt"), 6);
        Files.write(source.resolve("train/shirt/zero.png"), new byte[0]);
        List<String> phases = new ArrayList<>();

        Dataset dataset = datasets.importFolder("shoes-and-shirts", source, 5, (phase, done, total) -> phases.add(phase));

        assertEquals(List.of("boot", "shirt"), dataset.classList());
        assertEquals(1, dataset.skippedFiles);
        assertEquals("empty file (0 bytes)", datasets.skipped("shoes-and-shirts").get(0).reason);
        int train = datasets.counts("shoes-and-shirts").stream().filter(c -> c.split == Split.TRAIN)
                .mapToInt(c -> c.images).sum();
        assertEquals(10, train);
        assertTrue(phases.contains("checking images"));
        SplitImages images = datasets.open("shoes-and-shirts", Split.TRAIN);
        assertEquals(10, images.size());
        assertEquals(16, images.image(0).getWidth());
        assertEquals(4, datasets.samples("shoes-and-shirts", 2).size());
    }

    @Test
    void aRefusedImportLeavesNoRowAndNoFiles() throws Exception {
        List<String> before = managedEntries();
        TestImages.classFolders(source, List.of("Cat", "cat"), 2);
        assertThrows(InvalidRequestException.class, () -> datasets.importFolder("clash", source, 1, ImportProgress.NONE));
        assertThrows(NotFoundException.class, () -> datasets.get("clash"));
        assertEquals(before, managedEntries());
    }

    @Test
    void importsAZipUploadAndRefusesATraversingOne() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            entries.put("upload/red/" + i + ".png", TestImages.encode(i, "png", 12));
            entries.put("upload/blue/" + i + ".jpg", TestImages.encode(100 + i, "jpg", 12));
        }
        byte[] good = Files.readAllBytes(TestImages.zip(source.resolve("good.zip"), entries));
        Dataset dataset = datasets.importZip("colours", new ByteArrayInputStream(good), 3, ImportProgress.NONE);
        assertEquals(List.of("blue", "red"), dataset.classList());
        assertEquals(Dataset.Source.ZIP_UPLOAD, dataset.source);

        List<String> before = managedEntries();
        entries.put("../../../tmp/owned.png", TestImages.encode(1, "png", 4));
        byte[] evil = Files.readAllBytes(TestImages.zip(source.resolve("evil.zip"), entries));
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> datasets.importZip("evil", new ByteArrayInputStream(evil), 3, ImportProgress.NONE));
        assertTrue(refused.getMessage().contains("points outside the dataset"), refused.getMessage());
        assertEquals(before, managedEntries());
    }

    @Test
    void refusesASecondDatasetWithTheSameNameAndABadName() throws Exception {
        TestImages.classFolders(source, List.of("a", "b"), 4);
        datasets.importFolder("twice", source, 1, ImportProgress.NONE);
        assertThrows(AlreadyExistsException.class, () -> datasets.importFolder("twice", source, 1, ImportProgress.NONE));
        assertThrows(InvalidRequestException.class, () -> datasets.importFolder("../up", source, 1, ImportProgress.NONE));
    }

    @Test
    void deletingRemovesTheRowAndTheFiles() throws Exception {
        TestImages.classFolders(source, List.of("a", "b"), 4);
        Dataset dataset = datasets.importFolder("short-lived", source, 1, ImportProgress.NONE);
        Path directory = datasets.root().resolve(dataset.directory);
        assertTrue(Files.isDirectory(directory));
        datasets.delete("short-lived");
        assertFalse(Files.exists(directory));
        assertThrows(NotFoundException.class, () -> datasets.get("short-lived"));
    }

    @Test
    void removesWhatAnInterruptedImportLeftBehind() throws Exception {
        Path staging = Files.createDirectories(datasets.root().resolve(DatasetService.STAGING_PREFIX + "crashed"));
        Files.writeString(staging.resolve("half.png"), "x");
        Path unregistered = Files.createDirectories(datasets.root().resolve("ghost-1234"));
        Files.writeString(unregistered.resolve(DatasetService.MARKER), "ghost\n");
        Path foreign = Files.createDirectories(datasets.root().resolve("someone-elses"));

        datasets.removeLeftovers();

        assertFalse(Files.exists(staging));
        assertFalse(Files.exists(unregistered));
        assertTrue(Files.exists(foreign), "only directories Chorus marked as its own are removed");
        Files.delete(foreign);
    }

    @Test
    void importsFashionMnistWithItsOfficialSplitAndClassNames() throws Exception {
        assumeTrue(FashionMnistImport.present(FASHION_MNIST),
                "needs Debian's dataset-fashion-mnist (CI installs it)");
        Dataset dataset = datasets.importFashionMnist("fmnist", FASHION_MNIST, 42, ImportProgress.NONE);
        assertEquals(List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                "Bag", "Ankle boot"), dataset.classList());
        Map<Split, Integer> totals = new LinkedHashMap<>();
        datasets.counts("fmnist").forEach(c -> totals.merge(c.split, c.images, Integer::sum));
        assertEquals(54_000, totals.get(Split.TRAIN));
        assertEquals(6_000, totals.get(Split.VALIDATION));
        assertEquals(10_000, totals.get(Split.TEST));
        int[] testPerClass = datasets.counts("fmnist").stream().filter(c -> c.split == Split.TEST)
                .mapToInt(c -> c.images).toArray();
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, testPerClass);

        SplitImages validation = datasets.open("fmnist", Split.VALIDATION);
        assertEquals(6_000, validation.size());
        assertEquals(28, validation.image(0).getHeight());
        assertEquals(60_000, datasets.open("fmnist", Split.TRAIN).size() + validation.size());
    }
}

package dev.chorus.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chorus.errors.InvalidRequestException;

/** Image-folder trees as users bring them, good and bad. */
class FolderImportTest {

    @TempDir
    Path source;
    @TempDir
    Path staging;

    StagedDataset stage(long seed) throws Exception {
        return new FolderImport(40_000_000, 0.1, seed).stage(source, staging, ImportProgress.NONE);
    }

    @Test
    void keepsTheSplitsOfATreeThatHasThemAndReportsEveryBadFile() throws Exception {
        TestImages.classFolders(source.resolve("train"), List.of("boot", "shirt"), 10);
        TestImages.classFolders(source.resolve("validation"), List.of("boot", "shirt"), 2);
        TestImages.classFolders(source.resolve("test"), List.of("boot", "shirt"), 3);
        Files.write(source.resolve("train/boot/empty.png"), new byte[0]);
        Files.writeString(source.resolve("train/boot/readme.txt"), "hello");
        TestImages.truncatedJpeg(source.resolve("train/shirt/cut.jpg"));
        TestImages.bomb(source.resolve("test/shirt/bomb.png"));

        StagedDataset staged = stage(1);

        assertEquals(List.of("boot", "shirt"), staged.classes());
        assertArrayEquals(new int[] {10, 10}, staged.counts().get(Split.TRAIN));
        assertArrayEquals(new int[] {2, 2}, staged.counts().get(Split.VALIDATION));
        assertArrayEquals(new int[] {3, 3}, staged.counts().get(Split.TEST));
        Map<String, String> skipped = staged.skipped().stream()
                .collect(java.util.stream.Collectors.toMap(StagedDataset.Skipped::path, StagedDataset.Skipped::reason));
        assertEquals("empty file (0 bytes)", skipped.get("train/boot/empty.png"));
        assertEquals("not a .png, .jpg or .jpeg file", skipped.get("train/boot/readme.txt"));
        assertTrue(skipped.get("train/shirt/cut.jpg").startsWith("truncated or damaged image"));
        assertTrue(skipped.get("test/shirt/bomb.png").contains("possible decompression bomb"));
        assertEquals(4, skipped.size());
        try (var files = Files.walk(staging.resolve("train/0"))) {
            assertEquals(10, files.filter(Files::isRegularFile).count());
        }
    }

    @Test
    void carvesValidationFromTrainWhenATreeHasNone() throws Exception {
        TestImages.classFolders(source.resolve("train"), List.of("a", "b"), 20);
        StagedDataset staged = stage(7);
        assertArrayEquals(new int[] {18, 18}, staged.counts().get(Split.TRAIN));
        assertArrayEquals(new int[] {2, 2}, staged.counts().get(Split.VALIDATION));
        assertArrayEquals(new int[] {0, 0}, staged.counts().get(Split.TEST));
    }

    @Test
    void splitsASingleLevelOfClassFoldersTheSameWayForTheSameSeed() throws Exception {
        TestImages.classFolders(source.resolve("photos"), List.of("cat", "dog", "fox"), 30);
        StagedDataset first = stage(99);
        assertArrayEquals(new int[] {24, 24, 24}, first.counts().get(Split.TRAIN));
        assertArrayEquals(new int[] {3, 3, 3}, first.counts().get(Split.VALIDATION));
        assertArrayEquals(new int[] {3, 3, 3}, first.counts().get(Split.TEST));
        List<String> firstTest = names(staging.resolve("test/0"));

        Path again = Files.createTempDirectory("again");
        new FolderImport(40_000_000, 0.1, 99).stage(source, again, ImportProgress.NONE);
        assertEquals(firstTest.size(), names(again.resolve("test/0")).size());
        assertEquals(sizes(staging.resolve("test/0")), sizes(again.resolve("test/0")),
                "the same seed picks the same images");
    }

    @Test
    void refusesATreeWithoutImages() throws Exception {
        Files.createDirectories(source.resolve("a"));
        Files.createDirectories(source.resolve("b"));
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> stage(1));
        assertTrue(refused.getMessage().startsWith("no usable images"), refused.getMessage());
    }

    @Test
    void refusesASingleClass() throws Exception {
        TestImages.classFolders(source, List.of("only"), 3);
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> stage(1));
        assertTrue(refused.getMessage().startsWith("only one class ('only')"), refused.getMessage());
    }

    @Test
    void refusesClassNamesThatDifferOnlyInCase() throws Exception {
        TestImages.classFolders(source, List.of("Boot", "boot", "shirt"), 2);
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> stage(1));
        assertTrue(refused.getMessage().contains("'Boot' and 'boot' differ only in case"), refused.getMessage());
    }

    @Test
    void refusesATestClassThatTrainDoesNotHave() throws Exception {
        TestImages.classFolders(source.resolve("train"), List.of("a", "b"), 2);
        TestImages.classFolders(source.resolve("test"), List.of("c"), 2);
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> stage(1));
        assertTrue(refused.getMessage().startsWith("'test/c' is not a class of train/"), refused.getMessage());
    }

    private static List<String> names(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<Long> sizes(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.sorted().map(p -> {
                try {
                    return Files.size(p);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }
}

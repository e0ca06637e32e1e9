package dev.chorus.training.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chorus.datasets.Split;
import dev.chorus.plugin.api.InputSpec;

/** The feature cache: extract once, verified reads, corrupted entries re-extracted, bounded by LRU eviction. */
class FeatureCacheTest {

    @TempDir
    Path directory;

    static FeatureKey key(String backbone, Split split) {
        return new FeatureKey(backbone, "ab".repeat(32), "shapes", 7, Instant.parse("2026-01-01T00:00:00Z"), split,
                InputSpec.unit(28, 28, 1));
    }

    static Features features(int rows, int dimension, float seed) {
        float[] values = new float[rows * dimension];
        int[] labels = new int[rows];
        for (int i = 0; i < values.length; i++) {
            values[i] = seed + i * 0.5f;
        }
        for (int r = 0; r < rows; r++) {
            labels[r] = r % 3;
        }
        return new Features(labels, values, dimension);
    }

    @Test
    void extractsOnceAndReadsTheSameFeaturesBack() throws Exception {
        FeatureCache cache = new FeatureCache(directory, 1 << 20);
        AtomicInteger extractions = new AtomicInteger();
        Features original = features(50, 4, 1f);
        FeatureCache.Lookup first = cache.getOrExtract(key("a:1", Split.TRAIN), () -> {
            extractions.incrementAndGet();
            return original;
        });
        FeatureCache.Lookup second = new FeatureCache(directory, 1 << 20).getOrExtract(key("a:1", Split.TRAIN), () -> {
            extractions.incrementAndGet();
            return features(50, 4, 99f);
        });
        assertFalse(first.cached());
        assertTrue(second.cached());
        assertEquals(1, extractions.get());
        assertArrayEquals(original.values(), second.features().values());
        assertArrayEquals(original.labels(), second.features().labels());
    }

    @Test
    void everyPartOfTheKeyMatters() {
        FeatureKey base = key("a:1", Split.TRAIN);
        assertNotEquals(base.digest(), key("a:2", Split.TRAIN).digest());
        assertNotEquals(base.digest(), key("a:1", Split.TEST).digest());
        assertNotEquals(base.digest(), new FeatureKey("a:1", "cd".repeat(32), "shapes", 7, base.datasetCreatedAt(),
                Split.TRAIN, base.input()).digest());
        assertNotEquals(base.digest(), new FeatureKey("a:1", base.weightsSha256(), "shapes", 8, base.datasetCreatedAt(),
                Split.TRAIN, base.input()).digest());
        assertNotEquals(base.digest(), new FeatureKey("a:1", base.weightsSha256(), "shapes", 7, base.datasetCreatedAt(),
                Split.TRAIN, InputSpec.unit(32, 32, 1)).digest());
    }

    @Test
    void aCorruptedEntryIsDetectedAndExtractedAgain() throws Exception {
        FeatureCache cache = new FeatureCache(directory, 1 << 20);
        FeatureKey key = key("a:1", Split.TRAIN);
        cache.getOrExtract(key, () -> features(50, 4, 1f));
        try (FileChannel file = FileChannel.open(cache.dataFile(key), StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), 200);
        }
        FeatureCache.Lookup again = cache.getOrExtract(key, () -> features(50, 4, 1f));
        assertFalse(again.cached());
        assertEquals(1, cache.stats().corrupted());
        assertTrue(cache.getOrExtract(key, () -> {
            throw new AssertionError("must be cached again");
        }).cached());
    }

    @Test
    void aTruncatedEntryIsDetected() throws Exception {
        FeatureCache cache = new FeatureCache(directory, 1 << 20);
        FeatureKey key = key("a:1", Split.TRAIN);
        cache.getOrExtract(key, () -> features(50, 4, 1f));
        try (FileChannel file = FileChannel.open(cache.dataFile(key), StandardOpenOption.WRITE)) {
            file.truncate(100);
        }
        assertFalse(cache.getOrExtract(key, () -> features(50, 4, 1f)).cached());
    }

    @Test
    void theLeastRecentlyUsedEntriesAreEvictedBeyondTheLimit() throws Exception {
        // each entry: 12-byte header + 100 labels + 100 × 8 floats = 3,612 bytes; room for two
        FeatureCache cache = new FeatureCache(directory, 8_000);
        FeatureKey a = key("a:1", Split.TRAIN);
        FeatureKey b = key("b:1", Split.TRAIN);
        FeatureKey c = key("c:1", Split.TRAIN);
        cache.getOrExtract(a, () -> features(100, 8, 1f));
        cache.getOrExtract(b, () -> features(100, 8, 2f));
        Files.setLastModifiedTime(cache.dataFile(b), FileTime.from(Instant.now().minusSeconds(60)));
        Files.setLastModifiedTime(cache.dataFile(a), FileTime.from(Instant.now().minusSeconds(120)));
        cache.getOrExtract(a, () -> {
            throw new AssertionError("a is cached"); // reading it makes it the most recently used
        });
        cache.getOrExtract(c, () -> features(100, 8, 3f));
        assertTrue(Files.exists(cache.dataFile(a)));
        assertFalse(Files.exists(cache.dataFile(b)), "b was the least recently used");
        assertTrue(Files.exists(cache.dataFile(c)));
        assertEquals(1, cache.stats().evictions());
        assertEquals(2, cache.stats().entries());
    }

    @Test
    void aFailedExtractionLeavesNothingBehind() throws Exception {
        FeatureCache cache = new FeatureCache(directory, 1 << 20);
        assertThrows(IllegalStateException.class, () -> cache.getOrExtract(key("a:1", Split.TRAIN), () -> {
            throw new IllegalStateException("backbone failed");
        }));
        assertEquals(0, cache.stats().entries());
        try (var files = Files.list(directory)) {
            assertEquals(0, files.count());
        }
    }
}

package dev.chorus.datasets;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What an import put into its staging directory: the classes, how many images of each class
 * each split holds, and the files it left out with the reason.
 */
record StagedDataset(Dataset.StorageFormat format, List<String> classes, Map<Split, int[]> counts,
        List<Skipped> skipped) {

    record Skipped(String path, String reason) {
    }

    int total() {
        return counts.values().stream().flatMapToInt(java.util.Arrays::stream).sum();
    }

    static Map<Split, int[]> emptyCounts(int classes) {
        Map<Split, int[]> counts = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            counts.put(split, new int[classes]);
        }
        return counts;
    }
}

package dev.chorus.datasets;

import java.util.Locale;
import java.util.Optional;

/** The three parts of a dataset: fit on TRAIN, choose with VALIDATION, report on TEST. */
public enum Split {
    TRAIN, VALIDATION, TEST;

    /** The directory names an image-folder tree may use for each split. */
    static Optional<Split> ofDirectoryName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "train", "training" -> Optional.of(TRAIN);
            case "validation", "val", "valid" -> Optional.of(VALIDATION);
            case "test", "testing" -> Optional.of(TEST);
            default -> Optional.empty();
        };
    }

    String directoryName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

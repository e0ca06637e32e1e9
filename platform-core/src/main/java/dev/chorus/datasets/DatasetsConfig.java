package dev.chorus.datasets;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where datasets live and the limits that keep imports safe. */
@ConfigMapping(prefix = "chorus.datasets")
public interface DatasetsConfig {

    /** The directory Chorus manages; one sub-directory per dataset. */
    @WithDefault("${user.home}/.chorus/datasets")
    String directory();

    /** Images above this many pixels are skipped unread (decompression bombs). */
    @WithDefault("40000000")
    long maxImagePixels();

    /** Largest zip upload accepted, in bytes. */
    @WithDefault("2147483648")
    long maxUploadBytes();

    /** Largest total size of a zip's contents once extracted, in bytes. */
    @WithDefault("8589934592")
    long maxExtractedBytes();

    @WithDefault("500000")
    int maxZipEntries();

    /** Share of TRAIN moved to VALIDATION (and to TEST when a tree has only class folders). */
    @WithDefault("0.1")
    double holdOutFraction();

    Demo demo();

    interface Demo {
        /** Import Fashion-MNIST as the demo dataset at a start that finds no dataset. */
        @WithDefault("true")
        boolean enabled();

        /** Where Debian's dataset-fashion-mnist package installs the IDX files. */
        @WithDefault("/usr/share/datasets/fashion-mnist")
        String fashionMnistDirectory();

        @WithDefault("fashion-mnist")
        String name();
    }
}

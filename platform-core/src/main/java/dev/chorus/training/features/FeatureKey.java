package dev.chorus.training.features;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

import dev.chorus.datasets.Split;
import dev.chorus.plugin.api.InputSpec;

/**
 * What pooled features depend on: the backbone version and its exact weights, the dataset (a
 * re-import under the same name is another dataset), the split, and the preprocessing.
 */
public record FeatureKey(String backbone, String weightsSha256, String dataset, long datasetId,
        Instant datasetCreatedAt, Split split, InputSpec input) {

    private static final String FORMAT = "features-v1";

    public String describe() {
        return backbone + " on " + dataset + "/" + split.name().toLowerCase() + " at " + input;
    }

    /** A file-name-safe digest of every part of the key. */
    public String digest() {
        String canonical = String.join("|", FORMAT, backbone, String.valueOf(weightsSha256), dataset,
                Long.toString(datasetId), datasetCreatedAt.toString(), split.name(), input.toString());
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

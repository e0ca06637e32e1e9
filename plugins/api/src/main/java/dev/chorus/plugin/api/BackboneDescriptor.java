package dev.chorus.plugin.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything the registry records about one backbone version, before any weights are loaded.
 *
 * @param name             stable identifier, lower case, e.g. {@code resnet-mini}
 * @param version          the version of this network and its weights, e.g. {@code 1}
 * @param family           architecture family, e.g. {@code residual}
 * @param input            what images it expects
 * @param featureDimension length of the pooled feature vector it produces per image
 * @param engine           the DJL engine that runs it, e.g. {@code MXNet}
 * @param source           where the network comes from (paper, export, zoo)
 * @param licence          licence of the weights
 * @param weights          where its weights come from, as a person would want to read it
 */
public record BackboneDescriptor(String name, String version, String family, InputSpec input, int featureDimension,
        String engine, String source, String licence, String weights) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,62}");

    public BackboneDescriptor {
        Objects.requireNonNull(input, "input spec is required");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("backbone name must match " + NAME + ", was '" + name + "'");
        }
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("backbone version must match " + VERSION + ", was '" + version + "'");
        }
        if (featureDimension <= 0) {
            throw new IllegalArgumentException("feature dimension must be positive, was " + featureDimension);
        }
        family = blankToUnknown(family);
        engine = blankToUnknown(engine);
        source = blankToUnknown(source);
        licence = blankToUnknown(licence);
        weights = blankToUnknown(weights);
    }

    public String key() {
        return name + ":" + version;
    }

    private static String blankToUnknown(String text) {
        return text == null || text.isBlank() ? "unknown" : text.strip();
    }
}

package dev.chorus.plugins.builtincnn;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import dev.chorus.plugin.api.BackboneDescriptor;
import dev.chorus.plugin.api.BackbonePlugin;
import dev.chorus.plugin.api.BackboneProvider;
import dev.chorus.plugin.api.InputSpec;
import dev.chorus.plugin.api.PluginContext;

/**
 * Chorus's own small CNN backbones. Their weights come from Chorus's backbone training and are
 * read from {@code <weights-dir>/builtin-cnn/<name>/<version>/<name>-0000.params}; until that
 * file exists the backbone is registered as unavailable, saying which file it waits for.
 *
 * <p>Input: 28×28 grayscale scaled to [0, 1] and normalised with Fashion-MNIST's statistics.
 */
public class BuiltinCnnPlugin implements BackbonePlugin {

    public static final String ID = "builtin-cnn";
    public static final String VERSION = "1";
    public static final InputSpec INPUT = new InputSpec(28, 28, 1, new float[] {0.2860f}, new float[] {0.3530f});

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<BackboneProvider> backbones(PluginContext context) {
        Path weights = context.weightsDirectory(this);
        return Arrays.stream(Architecture.values())
                .map(architecture -> (BackboneProvider) new BuiltinBackbone(architecture,
                        descriptor(architecture, VERSION), paramsFile(weights, architecture, VERSION)))
                .toList();
    }

    public static BackboneDescriptor descriptor(Architecture architecture, String version) {
        return new BackboneDescriptor(architecture.backboneName(), version, architecture.family(), INPUT,
                architecture.featureDimension(), "MXNet", "Chorus builtin (hand-written DJL blocks)",
                "Apache-2.0", "trained by Chorus; file " + architecture.backboneName() + "-0000.params");
    }

    /** Where the weights of one version live, relative to the plugin's weights directory. */
    public static Path paramsFile(Path pluginWeights, Architecture architecture, String version) {
        return pluginWeights.resolve(architecture.backboneName()).resolve(version)
                .resolve(architecture.backboneName() + "-0000.params");
    }
}

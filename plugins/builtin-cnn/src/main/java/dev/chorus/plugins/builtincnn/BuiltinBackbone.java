package dev.chorus.plugins.builtincnn;

import java.nio.file.Path;

import dev.chorus.plugin.api.Availability;
import dev.chorus.plugin.api.BackboneDescriptor;
import dev.chorus.plugin.api.BackboneProvider;
import dev.chorus.plugin.api.BackboneUnavailableException;
import dev.chorus.plugin.api.FeatureExtractor;
import dev.chorus.plugin.api.WeightsFiles;

/** One version of a builtin architecture with its weights file. */
final class BuiltinBackbone implements BackboneProvider {

    private final Architecture architecture;
    private final BackboneDescriptor descriptor;
    private final Path paramsFile;

    BuiltinBackbone(Architecture architecture, BackboneDescriptor descriptor, Path paramsFile) {
        this.architecture = architecture;
        this.descriptor = descriptor;
        this.paramsFile = paramsFile;
    }

    @Override
    public BackboneDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Availability availability() {
        return WeightsFiles.availabilityOf(paramsFile);
    }

    @Override
    public FeatureExtractor open() throws BackboneUnavailableException {
        return architecture.open(descriptor, paramsFile);
    }
}

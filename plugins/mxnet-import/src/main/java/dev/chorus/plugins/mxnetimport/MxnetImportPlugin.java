package dev.chorus.plugins.mxnetimport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.chorus.plugin.api.Availability;
import dev.chorus.plugin.api.BackboneDescriptor;
import dev.chorus.plugin.api.BackbonePlugin;
import dev.chorus.plugin.api.BackboneProvider;
import dev.chorus.plugin.api.BackboneUnavailableException;
import dev.chorus.plugin.api.FeatureExtractor;
import dev.chorus.plugin.api.PluginContext;

/**
 * Brings users' own pretrained networks in: every directory under
 * {@code <weights-dir>/mxnet-import/} holding a {@code backbone.properties}, an exported MXNet
 * symbol JSON and its params becomes a backbone, cut at the layer the descriptor names.
 */
public class MxnetImportPlugin implements BackbonePlugin {

    public static final String ID = "mxnet-import";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<BackboneProvider> backbones(PluginContext context) {
        Path root = context.weightsDirectory(this);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> directories = Files.list(root)) {
            return directories.filter(dir -> Files.isRegularFile(dir.resolve(ImportDescriptor.FILE_NAME))).sorted()
                    .map(MxnetImportPlugin::provider).toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    /** A directory whose descriptor cannot be read still shows up, as a provider that says why. */
    private static BackboneProvider provider(Path directory) {
        try {
            return new ImportedBackbone(directory, ImportDescriptor.read(directory));
        } catch (IllegalArgumentException e) {
            return new Undescribable(e);
        }
    }

    private record Undescribable(IllegalArgumentException problem) implements BackboneProvider {
        @Override
        public BackboneDescriptor descriptor() {
            throw problem;
        }

        @Override
        public Availability availability() {
            return Availability.unavailable(problem.getMessage());
        }

        @Override
        public FeatureExtractor open() throws BackboneUnavailableException {
            throw new BackboneUnavailableException(problem.getMessage());
        }
    }
}

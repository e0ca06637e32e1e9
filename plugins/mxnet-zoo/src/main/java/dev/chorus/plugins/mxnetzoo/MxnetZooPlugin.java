package dev.chorus.plugins.mxnetzoo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import dev.chorus.plugin.api.Availability;
import dev.chorus.plugin.api.BackboneDescriptor;
import dev.chorus.plugin.api.BackbonePlugin;
import dev.chorus.plugin.api.BackboneProvider;
import dev.chorus.plugin.api.BackboneUnavailableException;
import dev.chorus.plugin.api.FeatureExtractor;
import dev.chorus.plugin.api.InputSpec;
import dev.chorus.plugin.api.PluginContext;
import dev.chorus.plugins.mxnetimport.ImportDescriptor;
import dev.chorus.plugins.mxnetimport.ImportedBackbone;

/**
 * The DJL MXNet model zoo's ImageNet classifiers as backbones. Chorus never downloads them: a
 * model is available when its exported files are in {@code <weights-dir>/mxnet-zoo/<name>/} or
 * already in the local DJL model-zoo cache; otherwise it is registered as unavailable, saying
 * where to put which files.
 */
public class MxnetZooPlugin implements BackbonePlugin {

    public static final String ID = "mxnet-zoo";
    public static final String VERSION = "imagenet-1";
    /** Setting that overrides where the DJL cache is (default: DJL_CACHE_DIR, else ~/.djl.ai/cache). */
    public static final String CACHE_SETTING = "mxnet-zoo.cache-dir";
    static final InputSpec IMAGENET = new InputSpec(224, 224, 3, new float[] {0.485f, 0.456f, 0.406f},
            new float[] {0.229f, 0.224f, 0.225f});
    private static final int SEARCH_DEPTH = 6;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<BackboneProvider> backbones(PluginContext context) {
        Path cache = context.setting(CACHE_SETTING).map(Path::of).orElseGet(MxnetZooPlugin::djlCache);
        return Arrays.stream(ZooModel.values()).map(model -> provider(model, context.weightsDirectory(this), cache))
                .toList();
    }

    static BackboneDescriptor descriptor(ZooModel model) {
        return new BackboneDescriptor(model.backboneName, VERSION, model.family, IMAGENET, model.featureDimension,
                "MXNet", "DJL MXNet model zoo (GluonCV " + model.filePrefix + ", ImageNet-1k)", "Apache-2.0",
                model.filePrefix + "-symbol.json + " + model.filePrefix + "-0000.params");
    }

    private static BackboneProvider provider(ZooModel model, Path pluginWeights, Path cache) {
        BackboneDescriptor descriptor = descriptor(model);
        Path ownDirectory = pluginWeights.resolve(model.backboneName);
        Path cacheDirectory = cache.resolve("repo/model/cv/image_classification/ai/djl/mxnet").resolve(model.artifact);
        for (Path root : List.of(ownDirectory, cacheDirectory)) {
            Optional<Path> symbol = find(root, model.filePrefix + "-symbol.json");
            Optional<Path> params = symbol.flatMap(s -> find(s.getParent(), model.filePrefix + "-0000.params"));
            if (params.isPresent()) {
                return new ImportedBackbone(symbol.get().getParent(), new ImportDescriptor(descriptor,
                        ImportDescriptor.BELOW_CLASSIFIER, "data", symbol.get(), params.get()));
            }
        }
        return new NotDownloaded(descriptor, "weights not found: put " + model.filePrefix + "-symbol.json and "
                + model.filePrefix + "-0000.params in " + ownDirectory + " (also looked in the DJL model zoo cache "
                + cacheDirectory + "); Chorus does not download them");
    }

    private static Optional<Path> find(Path root, String fileName) {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.find(root, SEARCH_DEPTH,
                (path, attributes) -> attributes.isRegularFile() && path.getFileName().toString().equals(fileName))) {
            return files.sorted().findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Path djlCache() {
        String configured = Optional.ofNullable(System.getProperty("DJL_CACHE_DIR"))
                .orElse(System.getenv("DJL_CACHE_DIR"));
        return configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".djl.ai", "cache");
    }

    private record NotDownloaded(BackboneDescriptor descriptor, String reason) implements BackboneProvider {
        @Override
        public Availability availability() {
            return Availability.unavailable(reason);
        }

        @Override
        public FeatureExtractor open() throws BackboneUnavailableException {
            throw new BackboneUnavailableException(reason);
        }
    }
}

package dev.chorus.plugin.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * A feature extractor for a network written with DJL blocks whose parameters are in a DJL
 * {@code .params} file. {@code Model.load} restores parameters only, so the plugin must build
 * exactly the block that was saved.
 */
public final class BlockFeatureExtractor implements FeatureExtractor {

    private final BackboneDescriptor descriptor;
    private final Model model;

    private BlockFeatureExtractor(BackboneDescriptor descriptor, Model model) {
        this.descriptor = descriptor;
        this.model = model;
    }

    /**
     * @param paramsFile a file named {@code <prefix>-<epoch>.params}, as {@code Model.save} writes it
     */
    public static BlockFeatureExtractor load(BackboneDescriptor descriptor, Block block, Path paramsFile)
            throws BackboneUnavailableException {
        if (!Files.isRegularFile(paramsFile)) {
            throw new BackboneUnavailableException("weights file missing: " + paramsFile);
        }
        String fileName = paramsFile.getFileName().toString();
        int dash = fileName.lastIndexOf('-');
        if (dash <= 0 || !fileName.endsWith(".params")) {
            throw new BackboneUnavailableException("weights file must be named <prefix>-<epoch>.params: " + paramsFile);
        }
        Model model = Model.newInstance(descriptor.key());
        try {
            model.setBlock(block);
            model.load(paramsFile.getParent(), fileName.substring(0, dash));
            return new BlockFeatureExtractor(descriptor, model);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new BackboneUnavailableException("weights in " + paramsFile + " do not fit the " + descriptor.key()
                    + " network: " + e.getMessage(), e);
        }
    }

    @Override
    public BackboneDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NDArray extract(NDArray images) {
        FeatureExtractor.checkImages(descriptor, images.getShape());
        ParameterStore parameters = new ParameterStore(images.getManager(), false);
        NDArray features = model.getBlock().forward(parameters, new NDList(images), false).singletonOrThrow();
        return features.reshape(images.getShape().get(0), descriptor.featureDimension());
    }


    @Override
    public void close() {
        model.close();
    }
}

package dev.chorus.ensembles;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * A loaded head: concatenated member features in, class probabilities out, in inference mode
 * (dropout off). Holds native memory; not thread-safe: one per worker thread.
 */
public final class EnsembleHead implements AutoCloseable {

    private final HeadArtifact.Manifest manifest;
    private final FeatureScaling scaling;
    private final Block block;
    private final NDManager manager;

    EnsembleHead(HeadArtifact.Manifest manifest, FeatureScaling scaling, Block block, NDManager manager) {
        this.manifest = manifest;
        this.scaling = scaling;
        this.block = block;
        this.manager = manager;
    }

    public HeadArtifact.Manifest manifest() {
        return manifest;
    }

    /** (N, inputDimension) raw concatenated features → (N, classes) probabilities, on the features' manager. */
    public NDArray probabilities(NDArray features) {
        if (features.getShape().dimension() != 2 || features.getShape().get(1) != scaling.dimension()) {
            throw new IllegalArgumentException("the head takes (N, " + scaling.dimension() + ") features, got "
                    + features.getShape());
        }
        NDArray logits = block.forward(new ParameterStore(features.getManager(), false),
                new NDList(scaling.apply(features)), false).singletonOrThrow();
        return logits.softmax(1);
    }

    @Override
    public void close() {
        manager.close();
    }
}

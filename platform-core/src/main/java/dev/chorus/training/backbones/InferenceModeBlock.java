package dev.chorus.training.backbones;

import ai.djl.mxnet.jna.JnaUtils;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Runs the layers it wraps frozen and always in inference mode, even inside a training step:
 * their weights get no updates and their BatchNorm layers neither use batch statistics nor
 * change their running averages. That is what "freeze the lower layers" must mean. (MXNet-specific:
 * DJL's API has no engine-neutral way to pause gradient recording.)
 */
final class InferenceModeBlock extends AbstractBlock {

    private final Block frozen;

    InferenceModeBlock(Block frozen) {
        this.frozen = addChildBlock("frozen", frozen);
        frozen.freezeParameters(true);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        // Nothing below these layers trains, so no gradient has to flow through them: step out
        // of autograd recording and training mode (MXNet insists BatchNorm's mode matches it).
        boolean wasRecording = JnaUtils.autogradSetIsRecording(false);
        boolean wasTraining = JnaUtils.autogradSetTraining(false);
        try {
            return frozen.forward(parameterStore, inputs, false, params);
        } finally {
            JnaUtils.autogradSetTraining(wasTraining);
            JnaUtils.autogradSetIsRecording(wasRecording);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return frozen.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        frozen.initialize(manager, dataType, inputShapes);
    }
}

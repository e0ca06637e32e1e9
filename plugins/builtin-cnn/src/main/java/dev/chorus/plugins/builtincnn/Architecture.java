package dev.chorus.plugins.builtincnn;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import dev.chorus.plugin.api.BackboneDescriptor;
import dev.chorus.plugin.api.BackboneUnavailableException;
import dev.chorus.plugin.api.FeatureExtractor;

/**
 * The builtin backbone architectures: small networks for 28–64 px images that end in global
 * average pooling, so the same network also runs at 224 px. Each returns the pooled feature
 * vector (N, featureDimension); the classifier top is not part of the backbone.
 */
public enum Architecture {

    /** ResNet-style: three stages of residual blocks with BatchNorm. */
    RESNET_MINI("resnet-mini", "residual", 64, Architecture::residualNetwork, Architecture::residualGraph),
    /** MobileNet-style: depthwise-separable convolutions with BatchNorm. */
    MOBILENET_MINI("mobilenet-mini", "depthwise-separable", 128, Architecture::separableNetwork,
            Architecture::separableGraph),
    /** VGG-style: plain stacks of 3×3 convolutions and max pooling, no normalisation. */
    VGG_MINI("vgg-mini", "plain", 128, Architecture::plainNetwork, Architecture::plainGraph);

    private final String backboneName;
    private final String family;
    private final int featureDimension;
    private final Supplier<Block> builder;
    private final ToIntFunction<SymbolGraph> graph;

    Architecture(String backboneName, String family, int featureDimension, Supplier<Block> builder,
            ToIntFunction<SymbolGraph> graph) {
        this.backboneName = backboneName;
        this.family = family;
        this.featureDimension = featureDimension;
        this.builder = builder;
        this.graph = graph;
    }

    public String backboneName() {
        return backboneName;
    }

    public String family() {
        return family;
    }

    public int featureDimension() {
        return featureDimension;
    }

    /** A fresh, uninitialised block; identical every time, so saved parameters load into it. */
    public Block build() {
        return builder.get();
    }

    /**
     * A feature extractor with the weights in {@code paramsFile} (as {@code Model.save} wrote them
     * for {@link #build()}), running the compiled graph when it reproduces the block.
     */
    public FeatureExtractor open(BackboneDescriptor descriptor, Path paramsFile) throws BackboneUnavailableException {
        return CompiledFeatureExtractor.open(descriptor, this, paramsFile);
    }

    /**
     * The same network as one MXNet symbol, its parameters in the block's order: what
     * {@link CompiledFeatureExtractor} runs. Each graph below mirrors the block builder of the same
     * family; the two are checked against each other whenever a backbone is opened.
     */
    SymbolGraph graph() {
        SymbolGraph written = new SymbolGraph();
        return written.output(graph.applyAsInt(written));
    }

    public static Architecture named(String backboneName) {
        for (Architecture architecture : values()) {
            if (architecture.backboneName.equals(backboneName)) {
                return architecture;
            }
        }
        throw new IllegalArgumentException("no builtin architecture named '" + backboneName + "'");
    }

    private static Block residualNetwork() {
        return new SequentialBlock()
                .add(conv(16, 3, 1, 1)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
                .add(residual(16, 16, 1))
                .add(residual(16, 32, 2))
                .add(residual(32, 64, 2))
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock());
    }

    private static Block residual(int in, int out, int stride) {
        Block main = new SequentialBlock()
                .add(conv(out, 3, stride, 1)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
                .add(conv(out, 3, 1, 1)).add(BatchNorm.builder().build());
        Block shortcut = in == out && stride == 1
                ? Blocks.identityBlock()
                : new SequentialBlock().add(conv(out, 1, stride, 0)).add(BatchNorm.builder().build());
        return new ParallelBlock(branches -> {
            NDArray sum = branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow());
            return new NDList(Activation.relu(sum));
        }, List.of(main, shortcut));
    }

    private static Block separableNetwork() {
        return new SequentialBlock()
                .add(conv(16, 3, 1, 1)).add(BatchNorm.builder().build()).add(Activation.reluBlock())
                .add(separable(16, 32, 1))
                .add(separable(32, 64, 2))
                .add(separable(64, 128, 2))
                .add(separable(128, 128, 1))
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock());
    }

    /** Depthwise 3×3 (one filter per channel), then pointwise 1×1 mixing channels. */
    private static Block separable(int in, int out, int stride) {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optStride(new Shape(stride, stride))
                        .optPadding(new Shape(1, 1)).setFilters(in).optGroups(in).optBias(false).build())
                .add(BatchNorm.builder().build()).add(Activation.reluBlock())
                .add(conv(out, 1, 1, 0)).add(BatchNorm.builder().build()).add(Activation.reluBlock());
    }

    private static Block plainNetwork() {
        return new SequentialBlock()
                .add(convRelu(32)).add(convRelu(32)).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(convRelu(64)).add(convRelu(64)).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(convRelu(128))
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock());
    }

    private static Block convRelu(int filters) {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                        .setFilters(filters).build())
                .add(Activation.reluBlock());
    }

    private static Block conv(int filters, int kernel, int stride, int padding) {
        return Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding)).setFilters(filters).optBias(false).build();
    }

    private static int residualGraph(SymbolGraph g) {
        int x = g.relu(g.batchNorm(g.conv(g.input(), 16, 3, 1, 1, false, 1)));
        x = residualGraph(g, x, 16, 16, 1);
        x = residualGraph(g, x, 16, 32, 2);
        x = residualGraph(g, x, 32, 64, 2);
        return g.flatten(g.globalAvgPool(x));
    }

    private static int residualGraph(SymbolGraph g, int x, int in, int out, int stride) {
        int main = g.relu(g.batchNorm(g.conv(x, out, 3, stride, 1, false, 1)));
        main = g.batchNorm(g.conv(main, out, 3, 1, 1, false, 1));
        int shortcut = in == out && stride == 1 ? x : g.batchNorm(g.conv(x, out, 1, stride, 0, false, 1));
        return g.relu(g.add(main, shortcut));
    }

    private static int separableGraph(SymbolGraph g) {
        int x = g.relu(g.batchNorm(g.conv(g.input(), 16, 3, 1, 1, false, 1)));
        x = separableGraph(g, x, 16, 32, 1);
        x = separableGraph(g, x, 32, 64, 2);
        x = separableGraph(g, x, 64, 128, 2);
        x = separableGraph(g, x, 128, 128, 1);
        return g.flatten(g.globalAvgPool(x));
    }

    private static int separableGraph(SymbolGraph g, int x, int in, int out, int stride) {
        int depthwise = g.relu(g.batchNorm(g.conv(x, in, 3, stride, 1, false, in)));
        return g.relu(g.batchNorm(g.conv(depthwise, out, 1, 1, 0, false, 1)));
    }

    private static int plainGraph(SymbolGraph g) {
        int x = g.relu(g.conv(g.input(), 32, 3, 1, 1, true, 1));
        x = g.maxPool(g.relu(g.conv(x, 32, 3, 1, 1, true, 1)), 2, 2);
        x = g.relu(g.conv(x, 64, 3, 1, 1, true, 1));
        x = g.maxPool(g.relu(g.conv(x, 64, 3, 1, 1, true, 1)), 2, 2);
        x = g.relu(g.conv(x, 128, 3, 1, 1, true, 1));
        return g.flatten(g.globalAvgPool(x));
    }
}

package dev.chorus.plugins.builtincnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.chorus.plugin.api.BackboneDescriptor;
import dev.chorus.plugin.api.BlockFeatureExtractor;
import dev.chorus.plugin.api.FeatureExtractor;

/** A builtin backbone runs as one compiled graph that gives exactly its block's features. */
class CompiledFeatureExtractorTest {

    @TempDir
    static Path weights;

    private static final Map<Architecture, Path> FILES = new EnumMap<>(Architecture.class);

    @BeforeAll
    static void trainTinyWeights() throws Exception {
        for (Architecture architecture : Architecture.values()) {
            // a few steps, so that BatchNorm's running statistics are no longer their initial values
            FILES.put(architecture, TinyWeights.train(architecture, weights, 3, 7));
        }
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void compiledGraphGivesTheBlocksFeaturesAtEveryBatchSize(Architecture architecture) throws Exception {
        BackboneDescriptor descriptor = BuiltinCnnPlugin.descriptor(architecture, BuiltinCnnPlugin.VERSION);
        try (FeatureExtractor compiled = architecture.open(descriptor, FILES.get(architecture));
                FeatureExtractor block = BlockFeatureExtractor.load(descriptor, architecture.build(),
                        FILES.get(architecture));
                NDManager manager = NDManager.newBaseManager()) {
            assertTrue(CompiledFeatureExtractor.isCompiled(compiled), "runs the compiled graph");
            for (int batch : new int[] {1, 7, 32, 1}) {
                NDArray images = manager.randomUniform(0, 1, new Shape(batch, 1, 28, 28));
                float[] expected = block.extract(images).toFloatArray();
                float[] actual = compiled.extract(images).toFloatArray();
                assertArrayEquals(expected, actual, 1e-4f * (1 + max(expected)), "batch of " + batch);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Architecture.class, names = {"RESNET_MINI", "VGG_MINI"})
    void aGraphThatDoesNotMatchItsBlockIsNotUsed(Architecture architecture) throws Exception {
        BackboneDescriptor descriptor = BuiltinCnnPlugin.descriptor(architecture, BuiltinCnnPlugin.VERSION);
        Architecture other = architecture == Architecture.VGG_MINI ? Architecture.RESNET_MINI : Architecture.VGG_MINI;
        try (FeatureExtractor opened = CompiledFeatureExtractor.open(descriptor, architecture,
                FILES.get(architecture), other.graph());
                NDManager manager = NDManager.newBaseManager()) {
            assertFalse(CompiledFeatureExtractor.isCompiled(opened), "falls back to the block");
            assertArrayEquals(new long[] {2, architecture.featureDimension()},
                    opened.extract(manager.randomUniform(0, 1, new Shape(2, 1, 28, 28))).getShape().getShape());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Architecture.class, names = "MOBILENET_MINI")
    void aGraphWhoseParametersLineUpButComputeSomethingElseIsNotUsed(Architecture architecture) throws Exception {
        BackboneDescriptor descriptor = BuiltinCnnPlugin.descriptor(architecture, BuiltinCnnPlugin.VERSION);
        SymbolGraph drifted = new SymbolGraph();
        // the same layers and parameters as mobilenet-mini, but the last ReLU left out
        int x = drifted.relu(drifted.batchNorm(drifted.conv(drifted.input(), 16, 3, 1, 1, false, 1)));
        int[][] stages = {{16, 32, 1}, {32, 64, 2}, {64, 128, 2}, {128, 128, 1}};
        for (int s = 0; s < stages.length; s++) {
            int in = stages[s][0];
            int depthwise = drifted.relu(drifted.batchNorm(drifted.conv(x, in, 3, stages[s][2], 1, false, in)));
            int pointwise = drifted.batchNorm(drifted.conv(depthwise, stages[s][1], 1, 1, 0, false, 1));
            x = s == stages.length - 1 ? pointwise : drifted.relu(pointwise);
        }
        drifted.output(drifted.flatten(drifted.globalAvgPool(x)));
        try (FeatureExtractor opened = CompiledFeatureExtractor.open(descriptor, architecture,
                FILES.get(architecture), drifted)) {
            assertFalse(CompiledFeatureExtractor.isCompiled(opened), "its features differ, so the block serves");
        }
    }

    private static float max(float[] values) {
        float max = 0;
        for (float value : values) {
            max = Math.max(max, Math.abs(value));
        }
        return max;
    }
}

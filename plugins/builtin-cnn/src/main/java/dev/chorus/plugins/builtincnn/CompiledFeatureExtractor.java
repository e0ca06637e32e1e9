package dev.chorus.plugins.builtincnn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.mxnet.engine.MxNDManager;
import ai.djl.mxnet.engine.MxSymbolBlock;
import ai.djl.mxnet.engine.Symbol;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.chorus.plugin.api.BackboneDescriptor;
import dev.chorus.plugin.api.BackboneUnavailableException;
import dev.chorus.plugin.api.BlockFeatureExtractor;
import dev.chorus.plugin.api.FeatureExtractor;
import dev.chorus.plugin.api.InputSpec;

/**
 * A builtin backbone run as one compiled MXNet graph (a cached op) instead of operator by
 * operator through DJL's blocks: one engine call per batch instead of one per layer, with memory
 * planned once per input shape. On one processor, with serving's settings, the demo ensemble's
 * three members ran ~2.7× faster for single images and ~1.25× at batches of 32 (README,
 * "Serving"). The trained block is
 * loaded as usual and its arrays are handed to the graph; before it is used, the graph must give
 * the block's own features on a probe batch, otherwise the block itself serves (and the reason
 * is logged), so a graph that drifted from its block can never change an answer.
 */
final class CompiledFeatureExtractor implements FeatureExtractor {

    private static final System.Logger LOG = System.getLogger(CompiledFeatureExtractor.class.getName());
    /** Largest difference from the block's features accepted, relative to their magnitude. */
    private static final float TOLERANCE = 1e-4f;

    private final BackboneDescriptor descriptor;
    private final Model model;
    private final NDManager manager;
    private final MxSymbolBlock graph;

    private CompiledFeatureExtractor(BackboneDescriptor descriptor, Model model, NDManager manager,
            MxSymbolBlock graph) {
        this.descriptor = descriptor;
        this.model = model;
        this.manager = manager;
        this.graph = graph;
    }

    /**
     * The architecture's compiled graph with the weights in {@code paramsFile}, or, when the graph
     * cannot reproduce the block, the block itself.
     */
    static FeatureExtractor open(BackboneDescriptor descriptor, Architecture architecture, Path paramsFile)
            throws BackboneUnavailableException {
        return open(descriptor, architecture, paramsFile, architecture.graph());
    }

    /** The same with a given graph (tests hand it one that does not match). */
    static FeatureExtractor open(BackboneDescriptor descriptor, Architecture architecture, Path paramsFile,
            SymbolGraph written) throws BackboneUnavailableException {
        FeatureExtractor block = BlockFeatureExtractor.load(descriptor, architecture.build(), paramsFile);
        try {
            return compile(descriptor, architecture, paramsFile, written, block);
        } catch (RuntimeException | IOException | MalformedModelException e) {
            LOG.log(System.Logger.Level.WARNING, "{0} runs layer by layer: its compiled graph is unusable ({1})",
                    descriptor.key(), e.getMessage());
            return block;
        }
    }

    private static FeatureExtractor compile(BackboneDescriptor descriptor, Architecture architecture, Path paramsFile,
            SymbolGraph written, FeatureExtractor block) throws IOException, MalformedModelException {
        Model model = Model.newInstance(descriptor.key() + "-compiled");
        NDManager manager = model.getNDManager().newSubManager();
        try {
            Block trained = architecture.build();
            model.setBlock(trained);
            String file = paramsFile.getFileName().toString();
            model.load(paramsFile.getParent(), file.substring(0, file.lastIndexOf('-')));
            MxSymbolBlock graph = new MxSymbolBlock(manager, Symbol.loadJson((MxNDManager) manager, written.json()));
            handOver(trained, written.params(), graph);
            graph.setInputNames(List.of("data"));
            CompiledFeatureExtractor compiled = new CompiledFeatureExtractor(descriptor, model, manager, graph);
            compiled.checkAgainst(block);
            block.close();
            return compiled;
        } catch (RuntimeException | IOException | MalformedModelException e) {
            manager.close();
            model.close();
            throw e;
        }
    }

    /** Gives the graph the trained block's arrays, matching them by order and kind. */
    private static void handOver(Block trained, List<SymbolGraph.Param> params, MxSymbolBlock graph) {
        List<Parameter> arrays = new ArrayList<>();
        collect(trained, arrays);
        if (arrays.size() != params.size()) {
            throw new IllegalStateException("the block has " + arrays.size() + " parameters, the graph "
                    + params.size());
        }
        Map<String, Parameter> byName = new HashMap<>();
        graph.getAllParameters().forEach(p -> byName.put(p.getName(), p));
        for (int i = 0; i < params.size(); i++) {
            SymbolGraph.Param expected = params.get(i);
            Parameter source = arrays.get(i);
            Parameter target = byName.get(expected.name());
            if (!source.getName().equals(expected.djlName()) || target == null) {
                throw new IllegalStateException("parameter " + i + " is the block's " + source.getName()
                        + " but the graph's " + expected.name());
            }
            target.setArray(source.getArray());
        }
    }

    /** The block's parameters depth first, each block's own before its children's (DJL's order). */
    private static void collect(Block block, List<Parameter> into) {
        block.getDirectParameters().values().forEach(into::add);
        block.getChildren().values().forEach(child -> collect(child, into));
    }

    /** Refuses the graph unless it gives the block's features for a probe batch of varied images. */
    private void checkAgainst(FeatureExtractor block) {
        InputSpec input = descriptor.input();
        try (NDManager scope = manager.newSubManager()) {
            NDArray probe = scope.randomNormal(new Shape(3, input.channels(), input.height(), input.width()));
            float[] expected = block.extract(probe).toFloatArray();
            float[] actual = extract(probe).toFloatArray();
            if (expected.length != actual.length) {
                throw new IllegalStateException("it gives " + actual.length + " values for the probe batch, the block "
                        + expected.length);
            }
            float scale = 1e-6f;
            float worst = 0;
            for (int i = 0; i < expected.length; i++) {
                scale = Math.max(scale, Math.abs(expected[i]));
                worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            }
            if (worst > TOLERANCE * scale) {
                throw new IllegalStateException("its features differ from the block's by up to " + worst
                        + " (largest feature " + scale + ")");
            }
        }
    }

    /** One call into the engine for the whole batch: the cached op runs every layer. */
    @Override
    public NDArray extract(NDArray images) {
        FeatureExtractor.checkImages(descriptor, images.getShape());
        NDList features = graph.forward(new ParameterStore(images.getManager(), false), new NDList(images), false);
        return features.singletonOrThrow().reshape(images.getShape().get(0), descriptor.featureDimension());
    }

    @Override
    public BackboneDescriptor descriptor() {
        return descriptor;
    }

    /** Whether {@code extractor} runs a compiled graph. */
    static boolean isCompiled(FeatureExtractor extractor) {
        return extractor instanceof CompiledFeatureExtractor;
    }

    @Override
    public void close() {
        manager.close();
        model.close();
    }
}

package dev.chorus.plugins.mxnetimport;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import ai.djl.Device;
import ai.djl.mxnet.engine.MxNDManager;
import ai.djl.mxnet.engine.MxSymbolBlock;
import ai.djl.mxnet.engine.Symbol;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import dev.chorus.plugin.api.BackboneDescriptor;
import dev.chorus.plugin.api.BackboneUnavailableException;
import dev.chorus.plugin.api.FeatureExtractor;
import dev.chorus.plugin.api.InputSpec;

/** An MXNet symbol cut at its feature layer, with its parameters loaded, run in inference mode. */
final class SymbolFeatureExtractor implements FeatureExtractor {

    private final BackboneDescriptor descriptor;
    private final NDManager manager;
    private final MxSymbolBlock block;

    private SymbolFeatureExtractor(BackboneDescriptor descriptor, NDManager manager, MxSymbolBlock block) {
        this.descriptor = descriptor;
        this.manager = manager;
        this.block = block;
    }

    static SymbolFeatureExtractor load(ImportDescriptor description, String outputName)
            throws BackboneUnavailableException {
        NDManager manager = NDManager.newBaseManager(Device.cpu(), "MXNet");
        try {
            Symbol full = Symbol.load((MxNDManager) manager, description.symbolFile().toString());
            MxSymbolBlock block = new MxSymbolBlock(manager, full.getInternals().get(outputName));
            assignParameters(block, manager.load(description.paramsFile()), description);
            SymbolFeatureExtractor extractor = new SymbolFeatureExtractor(description.backbone(), manager, block);
            extractor.probe();
            return extractor;
        } catch (BackboneUnavailableException e) {
            manager.close();
            throw e;
        } catch (RuntimeException e) {
            manager.close();
            throw new BackboneUnavailableException("the MXNet model in " + description.symbolFile().getParent()
                    + " cannot run as " + description.backbone().key() + ": " + firstLine(e.getMessage()), e);
        }
    }

    private static void assignParameters(MxSymbolBlock block, NDList arrays, ImportDescriptor description)
            throws BackboneUnavailableException {
        Map<String, Parameter> unassigned = new HashMap<>();
        block.getAllParameters().forEach(p -> unassigned.put(p.getName(), p));
        for (NDArray array : arrays) {
            String name = array.getName();
            Parameter parameter = unassigned.remove(name.substring(name.indexOf(':') + 1));
            if (parameter != null) {
                parameter.setArray(array);
            }
        }
        unassigned.remove(description.inputName());
        if (!unassigned.isEmpty()) {
            throw new BackboneUnavailableException("params file " + description.paramsFile() + " lacks "
                    + new TreeSet<>(unassigned.keySet()));
        }
        block.setInputNames(List.of(description.inputName()));
    }

    /** One blank image through the network: shapes that do not fit fail here, not in serving. */
    private void probe() throws BackboneUnavailableException {
        InputSpec input = descriptor.input();
        try (NDManager scope = manager.newSubManager()) {
            NDArray blank = scope.zeros(new Shape(1, input.channels(), input.height(), input.width()));
            long produced = run(blank).size();
            if (produced != descriptor.featureDimension()) {
                throw new BackboneUnavailableException("layer output has " + produced
                        + " values per image but backbone.properties declares feature.dimension="
                        + descriptor.featureDimension());
            }
        }
    }

    @Override
    public BackboneDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NDArray extract(NDArray images) {
        Shape shape = images.getShape();
        FeatureExtractor.checkImages(descriptor, shape);
        return run(images).reshape(shape.get(0), descriptor.featureDimension());
    }

    private NDArray run(NDArray images) {
        NDList output = block.forward(new ParameterStore(images.getManager(), false), new NDList(images), false);
        return output.singletonOrThrow();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    @Override
    public void close() {
        manager.close();
    }
}

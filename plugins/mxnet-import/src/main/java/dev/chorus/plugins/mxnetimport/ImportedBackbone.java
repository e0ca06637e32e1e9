package dev.chorus.plugins.mxnetimport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.chorus.plugin.api.Availability;
import dev.chorus.plugin.api.BackboneDescriptor;
import dev.chorus.plugin.api.BackboneProvider;
import dev.chorus.plugin.api.BackboneUnavailableException;
import dev.chorus.plugin.api.FeatureExtractor;
import dev.chorus.plugin.api.WeightsFiles;

/**
 * An exported MXNet model described by a {@code backbone.properties}. Availability is checked
 * for real: the symbol parses, the feature layer exists, the params file holds every variable
 * that layer needs, and finally the network is loaded once and run on one blank image, which
 * catches shapes that do not fit and a wrong feature dimension.
 */
public final class ImportedBackbone implements BackboneProvider {

    private final Path directory;
    private final ImportDescriptor description;

    public ImportedBackbone(Path directory, ImportDescriptor description) {
        this.directory = directory;
        this.description = description;
    }

    @Override
    public BackboneDescriptor descriptor() {
        return description.backbone();
    }

    @Override
    public Availability availability() {
        try {
            checkFiles();
            try (FeatureExtractor ignored = open()) {
                return Availability.available(WeightsFiles.sha256(description.paramsFile()));
            }
        } catch (BackboneUnavailableException e) {
            return Availability.unavailable(e.getMessage());
        } catch (IOException e) {
            return Availability.unavailable("cannot read " + description.paramsFile() + ": " + e.getMessage());
        }
    }

    @Override
    public FeatureExtractor open() throws BackboneUnavailableException {
        String output = checkFiles();
        return SymbolFeatureExtractor.load(description, output);
    }

    /** Cheap checks without the engine; returns the feature layer's output name. */
    private String checkFiles() throws BackboneUnavailableException {
        for (Path file : List.of(description.symbolFile(), description.paramsFile())) {
            if (!Files.isRegularFile(file)) {
                throw new BackboneUnavailableException("file missing: " + file);
            }
        }
        SymbolGraph graph;
        Map<String, long[]> params;
        try {
            graph = SymbolGraph.read(description.symbolFile());
            params = MxnetParamsFile.readShapes(description.paramsFile());
        } catch (IOException e) {
            throw new BackboneUnavailableException(e.getMessage(), e);
        }
        String layer = description.featureLayer().equals(ImportDescriptor.BELOW_CLASSIFIER)
                ? graph.layerBelowLastClassifier() : description.featureLayer();
        String output = layer == null ? null : graph.outputName(layer);
        if (output == null) {
            throw new BackboneUnavailableException("feature layer '" + description.featureLayer() + "' is not in "
                    + description.symbolFile() + "; its layers are " + abbreviate(graph.layerNames()));
        }
        Set<String> missing = new TreeSet<>(graph.variablesUpTo(output));
        missing.remove(description.inputName());
        params.keySet().forEach(key -> missing.remove(key.substring(key.indexOf(':') + 1)));
        if (!missing.isEmpty()) {
            throw new BackboneUnavailableException("params file " + description.paramsFile()
                    + " does not match the symbol: it lacks " + abbreviate(List.copyOf(missing))
                    + ", needed up to layer '" + layer + "'");
        }
        return output;
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 8 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 8)) + " and " + (names.size() - 8) + " more";
    }

    @Override
    public String toString() {
        return "MXNet import " + description.backbone().key() + " in " + directory;
    }
}

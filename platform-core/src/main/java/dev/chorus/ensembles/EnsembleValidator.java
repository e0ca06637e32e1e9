package dev.chorus.ensembles;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.chorus.datasets.Dataset;
import dev.chorus.datasets.DatasetService;
import dev.chorus.datasets.Split;
import dev.chorus.datasets.SplitImages;
import dev.chorus.errors.InvalidRequestException;
import dev.chorus.registry.BackboneVersion;

/**
 * Checks a definition against the registry and the dataset and reports every problem at once:
 * members exist, are available and enabled, take an input the dataset can be turned into, and
 * the classes are the dataset's.
 */
@ApplicationScoped
public class EnsembleValidator {

    static final String NAME_PATTERN = "[a-z0-9][a-z0-9._-]{0,62}";
    static final int MAX_MEMBERS = 8;
    private static final int COLOUR_SAMPLES = 16;

    private final DatasetService datasets;

    EnsembleValidator(DatasetService datasets) {
        this.datasets = datasets;
    }

    /** The definition with its class list in the dataset's order; refused with all problems listed. */
    public EnsembleDefinition validated(EnsembleDefinition definition) {
        List<String> problems = new ArrayList<>();
        if (definition.name() == null || !definition.name().matches(NAME_PATTERN)) {
            problems.add("name must match " + NAME_PATTERN + ", was '" + definition.name() + "'");
        }
        if (definition.description().length() > 2000) {
            problems.add("description is longer than 2000 characters");
        }
        problems.addAll(definition.head().problems());
        Optional<Dataset> dataset = dataset(definition, problems);
        boolean colour = dataset.map(d -> hasColour(d.name)).orElse(false);
        checkMembers(definition.members(), colour, dataset.map(d -> d.name).orElse(""), problems);
        List<String> classes = dataset.map(d -> classes(definition.classes(), d, problems)).orElse(List.of());
        if (!problems.isEmpty()) {
            throw new InvalidRequestException("ensemble '" + definition.name() + "' is invalid: "
                    + String.join("; ", problems));
        }
        return definition.withClasses(classes);
    }

    private Optional<Dataset> dataset(EnsembleDefinition definition, List<String> problems) {
        if (definition.dataset() == null || definition.dataset().isBlank()) {
            problems.add("a dataset is required");
            return Optional.empty();
        }
        Optional<Dataset> dataset = datasets.find(definition.dataset());
        if (dataset.isEmpty()) {
            problems.add("dataset '" + definition.dataset() + "' does not exist");
            return dataset;
        }
        for (Split split : Split.values()) {
            if (datasets.open(definition.dataset(), split).size() == 0) {
                problems.add("dataset '" + definition.dataset() + "' has no " + split.name().toLowerCase()
                        + " images (training, early stopping and evaluation each need their split)");
            }
        }
        return dataset;
    }

    private static void checkMembers(List<String> members, boolean colourDataset, String dataset,
            List<String> problems) {
        if (members.isEmpty() || members.size() > MAX_MEMBERS) {
            problems.add("an ensemble needs 1-" + MAX_MEMBERS + " member backbones, had " + members.size());
        }
        Set<String> seen = new HashSet<>();
        for (String key : members) {
            if (!seen.add(key)) {
                problems.add("member '" + key + "' is listed twice");
                continue;
            }
            int colon = key == null ? -1 : key.lastIndexOf(':');
            if (colon <= 0 || colon == key.length() - 1) {
                problems.add("member '" + key + "' must name an exact backbone version as name:version");
                continue;
            }
            Optional<BackboneVersion> found = BackboneVersion.findByKey(key.substring(0, colon), key.substring(colon + 1));
            if (found.isEmpty()) {
                problems.add("member '" + key + "' is not in the backbone registry");
                continue;
            }
            memberProblem(found.get(), colourDataset, dataset).ifPresent(problems::add);
        }
    }

    /** Why a registered backbone cannot be a member now, if it cannot. Also used before each run. */
    public static Optional<String> memberProblem(BackboneVersion backbone, boolean colourDataset, String dataset) {
        if (backbone.status != BackboneVersion.Status.AVAILABLE) {
            return Optional.of("member '" + backbone.key() + "' is " + backbone.status
                    + (backbone.statusReason == null ? "" : " (" + backbone.statusReason + ")"));
        }
        if (!backbone.enabled) {
            return Optional.of("member '" + backbone.key() + "' is disabled in the registry");
        }
        if (backbone.featureDimension == null || backbone.inputChannels == null) {
            return Optional.of("member '" + backbone.key() + "' has no input spec or feature dimension recorded");
        }
        if (colourDataset && backbone.inputChannels == 1) {
            return Optional.of("member '" + backbone.key() + "' takes grayscale input but dataset '" + dataset
                    + "' has colour images: its features would ignore colour; choose an RGB backbone");
        }
        return Optional.empty();
    }

    private static List<String> classes(List<String> requested, Dataset dataset, List<String> problems) {
        List<String> all = dataset.classList();
        if (requested.isEmpty()) {
            return all;
        }
        Set<String> asked = new LinkedHashSet<>(requested);
        List<String> unknown = asked.stream().filter(c -> !all.contains(c)).toList();
        List<String> missing = all.stream().filter(c -> !asked.contains(c)).toList();
        if (asked.size() != requested.size()) {
            problems.add("the class list names a class twice");
        }
        if (!unknown.isEmpty()) {
            problems.add("classes " + unknown + " are not in dataset '" + dataset.name + "' (it has " + all + ")");
        }
        if (!missing.isEmpty()) {
            problems.add("dataset '" + dataset.name + "' also has classes " + missing
                    + "; an ensemble classifies all of its dataset's classes (import a dataset with only the ones wanted)");
        }
        return all;
    }

    /** Whether any of the first training images has a pixel whose channels differ. */
    boolean hasColour(String dataset) {
        SplitImages images = datasets.open(dataset, Split.TRAIN);
        for (int i = 0; i < Math.min(COLOUR_SAMPLES, images.size()); i++) {
            try {
                if (isColour(images.image(i))) {
                    return true;
                }
            } catch (IOException e) {
                // an unreadable sample says nothing about colour; the import checked every image
            }
        }
        return false;
    }

    private static boolean isColour(BufferedImage image) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                if (Math.abs(r - g) > 8 || Math.abs(g - b) > 8) {
                    return true;
                }
            }
        }
        return false;
    }
}

package dev.chorus.ensembles;

import java.util.List;
import java.util.Map;

/**
 * How a version was trained: epochs run and the one kept (lowest validation loss), where each
 * member's features came from (the cache or a fresh extraction) and the wall time of each phase.
 */
public record TrainingSummary(int epochsRun, int bestEpoch, double bestValidationLoss, double validationAccuracy,
        int inputDimension, double headEpochSeconds, List<FeatureSource> features, Map<String, Double> phaseSeconds) {

    public record FeatureSource(String backbone, String split, boolean cached, int rows, double seconds) {
    }
}

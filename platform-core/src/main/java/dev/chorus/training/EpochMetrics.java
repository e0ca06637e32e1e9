package dev.chorus.training;

/** What one epoch of training measured; validation figures are absent (NaN) when not computed. */
public record EpochMetrics(int epoch, double loss, double accuracy, double validationLoss, double validationAccuracy,
        double seconds, double imagesPerSecond) {
}

package dev.chorus.ensembles;

import ai.djl.ndarray.NDArray;

/**
 * Per-feature standardisation learnt on the training split and stored with the head: members'
 * pooled features live on very different scales, and the head should not have to learn that.
 */
public record FeatureScaling(float[] mean, float[] std) {

    private static final double FLOOR = 1e-5;

    /** Mean and standard deviation of each column of a row-major (rows × dimension) matrix. */
    public static FeatureScaling fit(float[] values, int rows, int dimension) {
        double[] sum = new double[dimension];
        double[] squares = new double[dimension];
        for (int r = 0; r < rows; r++) {
            int offset = r * dimension;
            for (int d = 0; d < dimension; d++) {
                double v = values[offset + d];
                sum[d] += v;
                squares[d] += v * v;
            }
        }
        float[] mean = new float[dimension];
        float[] std = new float[dimension];
        for (int d = 0; d < dimension; d++) {
            double m = sum[d] / rows;
            mean[d] = (float) m;
            std[d] = (float) Math.sqrt(Math.max(squares[d] / rows - m * m, 0) + FLOOR);
        }
        return new FeatureScaling(mean, std);
    }

    public int dimension() {
        return mean.length;
    }

    /** Standardises in place a row-major (rows × dimension) matrix. */
    public void applyInPlace(float[] values) {
        int dimension = mean.length;
        for (int i = 0; i < values.length; i++) {
            int d = i % dimension;
            values[i] = (values[i] - mean[d]) / std[d];
        }
    }

    /** (N, dimension) → standardised, on the same manager. */
    public NDArray apply(NDArray features) {
        var manager = features.getManager();
        return features.sub(manager.create(mean)).div(manager.create(std));
    }
}

package dev.chorus.training.features;

import java.util.List;

/** Pooled features of a split: row-major (rows × dimension), with each row's label. */
public record Features(int[] labels, float[] values, int dimension) {

    public Features {
        if (dimension < 1 || values.length != (long) labels.length * dimension) {
            throw new IllegalArgumentException("features of " + labels.length + " rows and dimension " + dimension
                    + " cannot hold " + values.length + " values");
        }
    }

    public int rows() {
        return labels.length;
    }

    /** Members' features side by side, in order; the labels must agree row by row. */
    public static Features concatenate(List<Features> parts) {
        int rows = parts.getFirst().rows();
        int dimension = parts.stream().mapToInt(Features::dimension).sum();
        float[] values = new float[rows * dimension];
        int at = 0;
        for (Features part : parts) {
            if (part.rows() != rows || !java.util.Arrays.equals(part.labels(), parts.getFirst().labels())) {
                throw new IllegalStateException("members' features do not describe the same images in the same order");
            }
            for (int r = 0; r < rows; r++) {
                System.arraycopy(part.values(), r * part.dimension(), values, r * dimension + at, part.dimension());
            }
            at += part.dimension();
        }
        return new Features(parts.getFirst().labels().clone(), values, dimension);
    }
}

package dev.chorus.plugin.api;

import java.util.Arrays;

/**
 * What a backbone expects as input: an image of {@code height × width} with {@code channels}
 * (1 grayscale or 3 RGB), scaled to [0, 1] and then normalised per channel as
 * {@code (x - mean[c]) / std[c]}. Batches are NCHW float32.
 */
public record InputSpec(int height, int width, int channels, float[] mean, float[] std) {

    public InputSpec {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("input size must be positive, was " + height + "x" + width);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("input channels must be 1 or 3, was " + channels);
        }
        if (mean == null || std == null || mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("normalisation needs one mean and one std per channel (" + channels + ")");
        }
        for (float s : std) {
            if (!(s > 0) || Float.isInfinite(s)) {
                throw new IllegalArgumentException("normalisation std must be positive and finite, was " + s);
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** Scaled to [0, 1], no further normalisation. */
    public static InputSpec unit(int height, int width, int channels) {
        float[] zeros = new float[channels];
        float[] ones = new float[channels];
        Arrays.fill(ones, 1f);
        return new InputSpec(height, width, channels, zeros, ones);
    }

    /** The same normalisation at another size: the builtin networks pool globally, so any size works. */
    public InputSpec resized(int newHeight, int newWidth) {
        return new InputSpec(newHeight, newWidth, channels, mean, std);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InputSpec that && height == that.height && width == that.width
                && channels == that.channels && Arrays.equals(mean, that.mean) && Arrays.equals(std, that.std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * height + width) + channels) + 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return height + "x" + width + "x" + channels + " mean=" + Arrays.toString(mean) + " std=" + Arrays.toString(std);
    }
}

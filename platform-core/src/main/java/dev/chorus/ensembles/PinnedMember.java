package dev.chorus.ensembles;

/**
 * A member backbone exactly as a version was trained with it: its key, the SHA-256 of its
 * weights then, its feature dimension and its input (size, channels, normalisation).
 */
public record PinnedMember(String backbone, String weightsSha256, int featureDimension, int inputHeight,
        int inputWidth, int inputChannels, float[] inputMean, float[] inputStd) {

    public dev.chorus.plugin.api.InputSpec inputSpec() {
        return new dev.chorus.plugin.api.InputSpec(inputHeight, inputWidth, inputChannels, inputMean, inputStd);
    }
}

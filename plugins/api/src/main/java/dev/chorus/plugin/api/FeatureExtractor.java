package dev.chorus.plugin.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * A loaded backbone: frozen weights in native memory, run in inference mode only (BatchNorm uses
 * its running statistics, so an image's features do not depend on the rest of its batch).
 * Not thread-safe: give each worker thread its own. Close it to free the native memory.
 */
public interface FeatureExtractor extends AutoCloseable {

    BackboneDescriptor descriptor();

    /**
     * @param images (N, C, H, W) float32, already resized and normalised per {@link BackboneDescriptor#input()}
     * @return (N, featureDimension) float32, attached to the images' NDManager
     */
    NDArray extract(NDArray images);

    @Override
    void close();

    /** Refuses images that are not (N, C, H, W) in the backbone's input size. */
    static void checkImages(BackboneDescriptor descriptor, Shape shape) {
        InputSpec input = descriptor.input();
        if (shape.dimension() != 4 || shape.get(1) != input.channels() || shape.get(2) != input.height()
                || shape.get(3) != input.width()) {
            throw new IllegalArgumentException(descriptor.key() + " expects images of shape (N, " + input.channels()
                    + ", " + input.height() + ", " + input.width() + "), got " + shape);
        }
    }
}

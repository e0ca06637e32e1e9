package dev.chorus.serving;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.Supplier;

import dev.chorus.datasets.ImageCheck;
import dev.chorus.datasets.Preprocessor;
import dev.chorus.errors.InvalidRequestException;

/** One image to classify, decoded and checked; preprocessed once per distinct member input spec. */
public final class ServingInput {

    private final BufferedImage image;

    private ServingInput(BufferedImage image) {
        this.image = image;
    }

    /**
     * An input as received, not decoded yet: decoding can cost anything from microseconds to
     * milliseconds, so the serving core decides which thread does it. {@code pixels} is the image's
     * size when known without decoding (a PNG's header, a tensor's shape), else 0.
     */
    public record Source(Supplier<ServingInput> decoder, long pixels) {

        ServingInput decode() {
            return decoder.get();
        }
    }

    /** An encoded image (JPEG, PNG, GIF, BMP), read from {@code encoded} only when decoded. */
    public static Source image(ByteBuffer encoded, ServingConfig limits) {
        return new Source(() -> {
            byte[] bytes = new byte[encoded.remaining()];
            encoded.duplicate().get(bytes);
            return ofImage(bytes, limits);
        }, ImageCheck.shortcutPixels(encoded));
    }

    /** Raw pixels: see {@link #ofTensor}. */
    public static Source tensor(List<Long> shape, List<Float> values, byte[] raw, ServingConfig limits) {
        boolean plausible = shape.size() == 3 && shape.get(0) > 0 && shape.get(1) > 0
                && shape.get(0) <= Integer.MAX_VALUE && shape.get(1) <= Integer.MAX_VALUE;
        return new Source(() -> ofTensor(shape, values, raw, limits), plausible ? shape.get(0) * shape.get(1) : 0);
    }

    /** A request that carries no input: refused when it is decoded. */
    public static Source none() {
        return new Source(() -> {
            throw new InvalidRequestException("a request needs an image or a tensor");
        }, 0);
    }

    /** An encoded image (JPEG, PNG, GIF, BMP). */
    static ServingInput ofImage(byte[] bytes, ServingConfig limits) {
        requireSize(bytes.length, limits);
        try {
            return new ServingInput(ImageCheck.decode(bytes, limits.maxImagePixels()));
        } catch (ImageCheck.BadImageException e) {
            throw new InvalidRequestException("image cannot be used: " + e.getMessage());
        }
    }

    /** Raw pixels, shape [height, width, channels], values in [0, 1]; {@code raw} little-endian float32 or null. */
    static ServingInput ofTensor(List<Long> shape, List<Float> values, byte[] raw, ServingConfig limits) {
        if (shape.size() != 3 || shape.get(2) != 1 && shape.get(2) != 3 || shape.get(0) < 1 || shape.get(1) < 1) {
            throw new InvalidRequestException("a tensor must have shape [height, width, channels] with 1 or 3 channels"
                    + " and positive sizes, was " + shape);
        }
        long count = shape.get(0) * shape.get(1) * shape.get(2);
        if (shape.get(0) * shape.get(1) > limits.maxImagePixels() || count * 4 > limits.maxPayloadBytes()) {
            throw new InvalidRequestException("tensor " + shape + " is larger than the limit of "
                    + limits.maxPayloadBytes() + " bytes");
        }
        float[] data = raw != null && raw.length > 0 ? floats(raw, count) : listed(values, count);
        int height = shape.get(0).intValue();
        int width = shape.get(1).intValue();
        int channels = shape.get(2).intValue();
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int at = (y * width + x) * channels;
                int r = level(data[at]);
                int g = channels == 3 ? level(data[at + 1]) : r;
                int b = channels == 3 ? level(data[at + 2]) : r;
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return new ServingInput(image);
    }

    /** The image as each preprocessor makes it: CHW float arrays, in their order. */
    float[][] preprocessed(List<Preprocessor> preprocessors) {
        float[][] tensors = new float[preprocessors.size()][];
        for (int i = 0; i < preprocessors.size(); i++) {
            tensors[i] = preprocessors.get(i).toTensor(image);
        }
        return tensors;
    }

    public static void requireSize(int bytes, ServingConfig limits) {
        if (bytes > limits.maxPayloadBytes()) {
            throw new InvalidRequestException("payload of " + bytes + " bytes is larger than the limit of "
                    + limits.maxPayloadBytes() + " bytes (chorus.serving.max-payload-bytes)");
        }
    }

    private static float[] floats(byte[] raw, long count) {
        if (raw.length != count * 4) {
            throw new InvalidRequestException("raw tensor has " + raw.length + " bytes; its shape needs " + count * 4
                    + " (little-endian float32)");
        }
        float[] data = new float[(int) count];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        return data;
    }

    private static float[] listed(List<Float> values, long count) {
        if (values.size() != count) {
            throw new InvalidRequestException("tensor has " + values.size() + " values; its shape needs " + count);
        }
        float[] data = new float[(int) count];
        for (int i = 0; i < data.length; i++) {
            data[i] = values.get(i);
        }
        return data;
    }

    private static int level(float value) {
        if (!(value >= 0f && value <= 1f)) {
            throw new InvalidRequestException("tensor values must be in [0, 1], found " + value);
        }
        return Math.round(value * 255f);
    }
}

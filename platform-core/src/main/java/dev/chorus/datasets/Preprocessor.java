package dev.chorus.datasets;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

import dev.chorus.plugin.api.InputSpec;

/**
 * Turns any image into what a backbone's input spec asks for: resized (bilinear) to its height
 * and width, grayscale or RGB as it wants (gray is replicated to three channels, colour is
 * reduced to luma), scaled to [0, 1] and normalised per channel, laid out CHW.
 */
public final class Preprocessor {

    private final InputSpec spec;
    private final float[] mean;
    private final float[] std;

    public Preprocessor(InputSpec spec) {
        this.spec = spec;
        this.mean = spec.mean();
        this.std = spec.std();
    }

    public InputSpec spec() {
        return spec;
    }

    public float[] toTensor(BufferedImage image) {
        BufferedImage sized = resize(image, spec.width(), spec.height());
        int plane = spec.width() * spec.height();
        float[] tensor = new float[spec.channels() * plane];
        for (int y = 0; y < spec.height(); y++) {
            for (int x = 0; x < spec.width(); x++) {
                int rgb = pixel(sized, x, y);
                float r = ((rgb >> 16) & 0xFF) / 255f;
                float g = ((rgb >> 8) & 0xFF) / 255f;
                float b = (rgb & 0xFF) / 255f;
                int at = y * spec.width() + x;
                if (spec.channels() == 1) {
                    tensor[at] = normalise(0.299f * r + 0.587f * g + 0.114f * b, 0);
                } else {
                    tensor[at] = normalise(r, 0);
                    tensor[plane + at] = normalise(g, 1);
                    tensor[2 * plane + at] = normalise(b, 2);
                }
            }
        }
        return tensor;
    }

    /** The pixel as 0xRRGGBB, gray levels replicated as drawing them onto an RGB image would. */
    private static int pixel(BufferedImage image, int x, int y) {
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            int level = image.getRaster().getSample(x, y, 0);
            return (level << 16) | (level << 8) | level;
        }
        return image.getRGB(x, y);
    }

    private float normalise(float value, int channel) {
        return (value - mean[channel]) / std[channel];
    }

    static BufferedImage resize(BufferedImage image, int width, int height) {
        boolean sameSize = image.getWidth() == width && image.getHeight() == height;
        // Gray images are read from their raster (see pixel): getRGB would gamma-convert them,
        // drawing replicates the gray level, and both must give what training saw.
        if (sameSize && (image.getType() == BufferedImage.TYPE_INT_RGB || image.getType() == BufferedImage.TYPE_BYTE_GRAY)) {
            return image;
        }
        BufferedImage resized = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = resized.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        return resized;
    }
}

package dev.chorus.datasets;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * Random training-time changes as in the seeds' image generators: horizontal flip, rotation,
 * shift and zoom, applied together as one affine transform about the centre. Areas the
 * transform uncovers are black. The same random source gives the same result.
 *
 * @param horizontalFlip     flip left-right with probability 1/2
 * @param maxRotationDegrees rotate by up to ± this
 * @param maxShift           shift by up to ± this fraction of width and height
 * @param maxZoom            scale by 1 ± up to this
 */
public record Augmentation(boolean horizontalFlip, double maxRotationDegrees, double maxShift, double maxZoom) {

    public static final Augmentation NONE = new Augmentation(false, 0, 0, 0);

    public Augmentation {
        if (maxRotationDegrees < 0 || maxRotationDegrees > 180 || maxShift < 0 || maxShift > 1 || maxZoom < 0
                || maxZoom >= 1) {
            throw new IllegalArgumentException("augmentation out of range: rotation 0-180 degrees, shift 0-1,"
                    + " zoom 0-<1; got " + this);
        }
    }

    public boolean isNone() {
        return !horizontalFlip && maxRotationDegrees == 0 && maxShift == 0 && maxZoom == 0;
    }

    public BufferedImage apply(BufferedImage image, Random random) {
        if (isNone()) {
            return image;
        }
        int width = image.getWidth();
        int height = image.getHeight();
        boolean flip = horizontalFlip && random.nextBoolean();
        double angle = Math.toRadians(uniform(random, maxRotationDegrees));
        double dx = uniform(random, maxShift) * width;
        double dy = uniform(random, maxShift) * height;
        double scale = 1 + uniform(random, maxZoom);

        AffineTransform transform = new AffineTransform();
        transform.translate(width / 2.0 + dx, height / 2.0 + dy);
        transform.rotate(angle);
        transform.scale(flip ? -scale : scale, scale);
        transform.translate(-width / 2.0, -height / 2.0);

        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, transform, null);
        g.dispose();
        return out;
    }

    private static double uniform(Random random, double bound) {
        return bound == 0 ? 0 : (random.nextDouble() * 2 - 1) * bound;
    }
}

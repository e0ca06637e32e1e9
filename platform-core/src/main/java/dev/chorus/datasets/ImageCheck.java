package dev.chorus.datasets;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decides whether a file is an image Chorus can train on. The size is read from the header
 * first, so a decompression bomb is refused before a single pixel is allocated; then the image
 * is decoded completely, and a decoder warning (a truncated JPEG) counts as damage.
 */
final class ImageCheck {

    private ImageCheck() {
    }

    /** Empty when the image is usable, else the reason it is not. */
    static Optional<String> problem(Path file, long maxPixels) {
        try {
            if (Files.size(file) == 0) {
                return Optional.of("empty file (0 bytes)");
            }
        } catch (IOException e) {
            return Optional.of("cannot be read: " + e.getMessage());
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return Optional.of("not an image in a known format");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width <= 0 || height <= 0) {
                    return Optional.of("image has no pixels (" + width + "x" + height + ")");
                }
                if (width * height > maxPixels) {
                    return Optional.of("image too large to decode safely (" + width + "x" + height
                            + " pixels, limit " + maxPixels + "): a possible decompression bomb");
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage image = reader.read(0);
                if (image == null) {
                    return Optional.of("the decoder returned no image");
                }
                if (!warnings.isEmpty()) {
                    return Optional.of("truncated or damaged image: " + warnings.get(0));
                }
                return Optional.empty();
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.of("truncated or damaged image: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()));
        }
    }
}

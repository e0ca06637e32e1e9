package dev.chorus.datasets;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decides whether bytes are an image Chorus can use, for training (files) and serving (request
 * payloads) alike. The size is read from the header first, so a decompression bomb is refused
 * before a single pixel is allocated; then the image is decoded completely, and a decoder
 * warning (a truncated JPEG) counts as damage.
 */
public final class ImageCheck {

    /** Why bytes are not a usable image. */
    public static final class BadImageException extends Exception {
        BadImageException(String reason) {
            super(reason);
        }
    }

    private ImageCheck() {
    }

    /** Empty when the image is usable, else the reason it is not. */
    static Optional<String> problem(Path file, long maxPixels) {
        try {
            if (Files.size(file) == 0) {
                return Optional.of("empty file (0 bytes)");
            }
            try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
                decode(in, maxPixels);
                return Optional.empty();
            }
        } catch (BadImageException e) {
            return Optional.of(e.getMessage());
        } catch (IOException e) {
            return Optional.of("cannot be read: " + e.getMessage());
        }
    }

    /**
     * The formats requests mostly carry, probed first by their signature: asking ImageIO's registry
     * instead walks every installed reader, which cost a third of decoding a small image.
     */
    private static final List<ImageReaderSpi> COMMON = Stream.of("png", "jpeg")
            .map(ImageIO::getImageReadersByFormatName).filter(Iterator::hasNext)
            .map(readers -> readers.next().getOriginatingProvider()).toList();

    private static ImageReader readerFor(ImageInputStream in) throws BadImageException {
        try {
            if (in != null) {
                for (ImageReaderSpi spi : COMMON) {
                    if (spi.canDecodeInput(in)) {
                        return spi.createReaderInstance();
                    }
                }
                Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
                if (readers.hasNext()) {
                    return readers.next();
                }
            }
        } catch (IOException e) {
            throw new BadImageException("cannot be read: " + e.getMessage());
        }
        throw new BadImageException("not an image in a known format (JPEG, PNG, GIF, BMP)");
    }

    /**
     * The pixels of an image that {@link #decode(byte[], long)} reads by its shortcut (a PNG of
     * 8-bit gray, RGB or RGBA), from its header alone; 0 for any other, whose cost is not known
     * before decoding.
     */
    public static long shortcutPixels(java.nio.ByteBuffer encoded) {
        return PngDecoder.pixels(encoded);
    }

    /**
     * The decoded image, or why the bytes are not one. The common PNGs take a shortcut that gives
     * exactly ImageIO's image ({@link PngDecoder}); everything else, and every refusal, is ImageIO's.
     */
    public static BufferedImage decode(byte[] bytes, long maxPixels) throws BadImageException {
        if (bytes.length == 0) {
            throw new BadImageException("empty image (0 bytes)");
        }
        BufferedImage common = PngDecoder.decode(bytes, maxPixels);
        return common != null ? common : decodeWithImageIo(bytes, maxPixels);
    }

    /** The same through ImageIO alone. */
    static BufferedImage decodeWithImageIo(byte[] bytes, long maxPixels) throws BadImageException {
        // in memory: ImageIO's default stream for an InputStream caches through a temporary file
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            return decode(in, maxPixels);
        } catch (IOException e) {
            throw new BadImageException("cannot be read: " + e.getMessage());
        }
    }

    private static BufferedImage decode(ImageInputStream in, long maxPixels) throws BadImageException {
        ImageReader reader = readerFor(in);
        try {
            reader.setInput(in, true, true);
            long width = reader.getWidth(0);
            long height = reader.getHeight(0);
            if (width <= 0 || height <= 0) {
                throw new BadImageException("image has no pixels (" + width + "x" + height + ")");
            }
            if (width * height > maxPixels) {
                throw new BadImageException("image too large to decode safely (" + width + "x" + height
                        + " pixels, limit " + maxPixels + "): a possible decompression bomb");
            }
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            BufferedImage image = reader.read(0);
            if (image == null) {
                throw new BadImageException("the decoder returned no image");
            }
            if (!warnings.isEmpty()) {
                throw new BadImageException("truncated or damaged image: " + warnings.get(0));
            }
            return image;
        } catch (IOException | RuntimeException e) {
            throw new BadImageException("truncated or damaged image: " + (e.getMessage() == null
                    ? e.getClass().getSimpleName() : e.getMessage()));
        } finally {
            reader.dispose();
        }
    }
}

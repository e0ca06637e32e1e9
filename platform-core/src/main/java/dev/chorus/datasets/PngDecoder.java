package dev.chorus.datasets;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes the PNGs requests mostly carry (8-bit gray, RGB or RGBA, not interlaced, without a
 * transparent colour) straight from their bytes into exactly the image ImageIO's reader gives:
 * the same image type, the same samples. Anything else, and anything this cannot read to the end
 * (truncated or damaged data), is left to ImageIO by returning null, so ImageIO stays the one
 * judge of what an image is and what it holds; training decodes through ImageIO too.
 *
 * <p>Why: ImageIO builds a reader, its metadata, a stream cache and a fresh native inflater for
 * every image. For the small images serving sees most, that was most of the decoding time and
 * most of the garbage a request made. Here each thread keeps one inflater.
 */
final class PngDecoder {

    private static final long SIGNATURE = 0x89504E470D0A1A0AL;
    private static final int IHDR = 0x49484452;
    private static final int IDAT = 0x49444154;
    private static final int TRNS = 0x74524E53;
    /** Larger images go through ImageIO, which streams their rows instead of inflating them at once. */
    private static final int MAX_FILTERED_BYTES = 32 << 20;
    private static final ThreadLocal<Inflater> INFLATERS = ThreadLocal.withInitial(Inflater::new);

    private PngDecoder() {
    }

    /** The image, or null when these bytes are not a PNG this reads (ImageIO then decides). */
    static BufferedImage decode(byte[] png, long maxPixels) {
        Header header = Header.read(ByteBuffer.wrap(png));
        if (header == null || (long) header.width * header.height > maxPixels) {
            return null;
        }
        byte[] filtered = inflate(png, header);
        return filtered == null ? null : unfilter(filtered, header);
    }

    /** The pixels of a PNG this reads, from its header alone; 0 for anything else. */
    static long pixels(ByteBuffer encoded) {
        Header header = Header.read(encoded);
        return header == null ? 0 : (long) header.width * header.height;
    }

    /** What the IHDR chunk says, when it describes an image this reads. */
    private record Header(int width, int height, int channels, int imageType) {

        /** From the first bytes of {@code png} (read from its position, which is left where it was). */
        static Header read(ByteBuffer png) {
            ByteBuffer in = png.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN);
            int start = in.position();
            if (in.remaining() < 8 + 25 || in.getLong(start) != SIGNATURE || in.getInt(start + 8) != 13
                    || in.getInt(start + 12) != IHDR) {
                return null;
            }
            int width = in.getInt(start + 16);
            int height = in.getInt(start + 20);
            int depth = in.get(start + 24);
            int colour = in.get(start + 25);
            // compression and filter methods 0, not interlaced
            boolean plain = in.get(start + 26) == 0 && in.get(start + 27) == 0 && in.get(start + 28) == 0;
            int channels = switch (colour) {
                case 0 -> 1;
                case 2 -> 3;
                case 6 -> 4;
                default -> 0;
            };
            if (depth != 8 || channels == 0 || !plain || width <= 0 || height <= 0
                    || (long) height * (1 + (long) width * channels) > MAX_FILTERED_BYTES) {
                return null;
            }
            int type = switch (channels) {
                case 1 -> BufferedImage.TYPE_BYTE_GRAY;
                case 3 -> BufferedImage.TYPE_3BYTE_BGR;
                default -> BufferedImage.TYPE_4BYTE_ABGR;
            };
            return new Header(width, height, channels, type);
        }

        int stride() {
            return width * channels;
        }
    }

    /**
     * The filtered rows, inflated from the IDAT chunks, or null. ImageIO reads only the rows it
     * needs and does not check chunk CRCs, so neither does this; a transparent colour (tRNS) makes
     * ImageIO add an alpha channel, so such images are left to it.
     */
    private static byte[] inflate(byte[] png, Header header) {
        ByteBuffer in = ByteBuffer.wrap(png);
        byte[] filtered = new byte[header.height * (1 + header.stride())];
        Inflater inflater = INFLATERS.get();
        inflater.reset();
        int produced = 0;
        boolean inData = false;
        int at = 8 + 25;
        try {
            while (at + 12 <= png.length && produced < filtered.length) {
                int length = in.getInt(at);
                int type = in.getInt(at + 4);
                if (length < 0 || at + 12L + length > png.length) {
                    return null;
                }
                if (type == IDAT) {
                    inData = true;
                    inflater.setInput(png, at + 8, length);
                    produced = inflateInto(inflater, filtered, produced);
                } else if (inData || type == TRNS) {
                    return null; // image data ended early, or a transparent colour
                }
                at += 12 + length;
            }
        } catch (DataFormatException damaged) {
            return null;
        }
        return produced == filtered.length ? filtered : null;
    }

    private static int inflateInto(Inflater inflater, byte[] filtered, int produced) throws DataFormatException {
        int total = produced;
        while (total < filtered.length) {
            int n = inflater.inflate(filtered, total, filtered.length - total);
            if (n == 0 && (inflater.needsInput() || inflater.finished() || inflater.needsDictionary())) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** Undoes each row's filter into the image's own layout (BGR, ABGR or gray), or null for an unknown filter. */
    private static BufferedImage unfilter(byte[] filtered, Header header) {
        BufferedImage image = new BufferedImage(header.width, header.height, header.imageType);
        byte[] samples = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        int stride = header.stride();
        int bpp = header.channels;
        byte[] prior = new byte[stride];
        byte[] row = new byte[stride];
        for (int y = 0; y < header.height; y++) {
            int from = y * (stride + 1);
            if (!unfilterRow(filtered[from], filtered, from + 1, prior, row, bpp)) {
                return null;
            }
            store(row, samples, y * stride, bpp);
            byte[] swap = prior;
            prior = row;
            row = swap;
        }
        return image;
    }

    private static boolean unfilterRow(byte filter, byte[] in, int from, byte[] prior, byte[] row, int bpp) {
        int n = row.length;
        switch (filter) {
            case 0 -> System.arraycopy(in, from, row, 0, n);
            case 1 -> {
                for (int i = 0; i < n; i++) {
                    row[i] = (byte) (in[from + i] + (i >= bpp ? row[i - bpp] : 0));
                }
            }
            case 2 -> {
                for (int i = 0; i < n; i++) {
                    row[i] = (byte) (in[from + i] + prior[i]);
                }
            }
            case 3 -> {
                for (int i = 0; i < n; i++) {
                    int left = i >= bpp ? row[i - bpp] & 0xFF : 0;
                    row[i] = (byte) (in[from + i] + ((left + (prior[i] & 0xFF)) >>> 1));
                }
            }
            case 4 -> {
                for (int i = 0; i < n; i++) {
                    int left = i >= bpp ? row[i - bpp] & 0xFF : 0;
                    int upperLeft = i >= bpp ? prior[i - bpp] & 0xFF : 0;
                    row[i] = (byte) (in[from + i] + paeth(left, prior[i] & 0xFF, upperLeft));
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static int paeth(int left, int up, int upperLeft) {
        int estimate = left + up - upperLeft;
        int toLeft = Math.abs(estimate - left);
        int toUp = Math.abs(estimate - up);
        int toUpperLeft = Math.abs(estimate - upperLeft);
        if (toLeft <= toUp && toLeft <= toUpperLeft) {
            return left;
        }
        return toUp <= toUpperLeft ? up : upperLeft;
    }

    /** One row of PNG samples (gray, RGB or RGBA) in the raster's order (gray, BGR or ABGR). */
    private static void store(byte[] row, byte[] samples, int at, int channels) {
        switch (channels) {
            case 1 -> System.arraycopy(row, 0, samples, at, row.length);
            case 3 -> {
                for (int i = 0; i < row.length; i += 3) {
                    samples[at + i] = row[i + 2];
                    samples[at + i + 1] = row[i + 1];
                    samples[at + i + 2] = row[i];
                }
            }
            default -> {
                for (int i = 0; i < row.length; i += 4) {
                    samples[at + i] = row[i + 3];
                    samples[at + i + 1] = row[i + 2];
                    samples[at + i + 2] = row[i + 1];
                    samples[at + i + 3] = row[i];
                }
            }
        }
    }
}

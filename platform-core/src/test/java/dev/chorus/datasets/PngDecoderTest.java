package dev.chorus.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

/**
 * The PNG shortcut gives exactly the image ImageIO gives (type and samples), for every row filter
 * and chunking, and leaves every other PNG, and every damaged one, to ImageIO.
 */
class PngDecoderTest {

    static final long LIMIT = 40_000_000;
    static final int GRAY = 0;
    static final int RGB = 2;
    static final int RGBA = 6;

    @Test
    void givesImageIosImageForEveryRowFilterLayoutAndChunking() throws Exception {
        Random random = new Random(7);
        int checked = 0;
        for (int colour : new int[] {GRAY, RGB, RGBA}) {
            for (int[] size : new int[][] {{1, 1}, {3, 5}, {28, 28}, {33, 17}}) {
                for (int filter = 0; filter <= 5; filter++) { // 5: each row a different filter
                    int fixed = filter;
                    IntUnaryOperator filterOfRow = fixed == 5 ? row -> row % 5 : row -> fixed;
                    for (int idatChunk : new int[] {7, Integer.MAX_VALUE}) {
                        byte[][] rows = samples(random, size[0], size[1], channels(colour), checked % 2 == 0);
                        byte[] png = Png.encode(size[0], size[1], colour, rows, filterOfRow, idatChunk, List.of());
                        assertSameAsImageIo(png, colour + " " + Arrays.toString(size) + " filter " + filter);
                        checked++;
                    }
                }
            }
        }
        assertEquals(3 * 4 * 6 * 2, checked);
    }

    @Test
    void givesImageIosImageForWhatImageIosOwnWriterMakes() throws Exception {
        Random random = new Random(11);
        for (int type : new int[] {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_3BYTE_BGR,
                BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB}) {
            BufferedImage image = new BufferedImage(40, 31, type);
            for (int y = 0; y < 31; y++) {
                for (int x = 0; x < 40; x++) { // smooth areas and noise, so the writer picks different filters
                    int base = x < 20 ? (x * 6 + y * 3) : random.nextInt(256);
                    image.setRGB(x, y, (random.nextInt(256) << 24) | (base << 16) | ((255 - base) << 8) | (base / 2));
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertTrue(ImageIO.write(image, "png", out));
            assertSameAsImageIo(out.toByteArray(), "ImageIO-written type " + type);
        }
    }

    @Test
    void leavesOtherKindsOfPngToImageIo() throws Exception {
        Random random = new Random(3);
        byte[][] gray = samples(random, 4, 4, 1, false);
        byte[] plain = Png.encode(4, 4, GRAY, gray, row -> 0, 100, List.of());
        assertNotNull(PngDecoder.decode(plain, LIMIT));
        assertNull(PngDecoder.decode(Png.withHeader(plain, 16, GRAY, 0), LIMIT), "16-bit");
        assertNull(PngDecoder.decode(Png.withHeader(plain, 8, GRAY, 1), LIMIT), "interlaced");
        assertNull(PngDecoder.decode(Png.encode(2, 4, 4, samples(random, 2, 4, 2, false), row -> 0, 100, List.of()),
                LIMIT), "gray with alpha");
        byte[] transparentColour = Png.encode(4, 4, GRAY, gray, row -> 0, 100,
                List.of(Png.chunk("tRNS", new byte[] {0, 9})));
        assertNull(PngDecoder.decode(transparentColour, LIMIT), "tRNS: ImageIO adds an alpha channel");
        assertEquals(BufferedImage.TYPE_CUSTOM, ImageCheck.decode(transparentColour, LIMIT).getType(),
                "and ImageIO's image is what decoding gives");

        BufferedImage palette = new BufferedImage(9, 9, BufferedImage.TYPE_BYTE_INDEXED);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(palette, "png", out);
        assertNull(PngDecoder.decode(out.toByteArray(), LIMIT), "palette");
        assertNotNull(ImageCheck.decode(out.toByteArray(), LIMIT));

        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(9, 9, BufferedImage.TYPE_3BYTE_BGR), "jpeg", jpeg);
        assertNull(PngDecoder.decode(jpeg.toByteArray(), LIMIT), "not a PNG");
        assertNull(PngDecoder.decode(Png.encode(28, 28, GRAY, samples(random, 28, 28, 1, false), row -> 0, 100,
                List.of()), 28 * 28 - 1), "more pixels than allowed: ImageIO's check refuses it");
    }

    @Test
    void leavesDamagedPngToImageIoWhichRefusesIt() throws Exception {
        byte[][] rows = samples(new Random(5), 28, 28, 3, true);
        byte[] whole = Png.encode(28, 28, RGB, rows, row -> row % 5, 64, List.of());
        byte[] truncated = Arrays.copyOf(whole, whole.length - 120);
        byte[] unknownFilter = Png.encode(28, 28, RGB, rows, row -> row == 9 ? 5 : 0, Integer.MAX_VALUE, List.of());
        for (byte[] damaged : List.of(truncated, unknownFilter)) {
            assertNull(PngDecoder.decode(damaged, LIMIT));
            ImageCheck.BadImageException refused = assertThrows(ImageCheck.BadImageException.class,
                    () -> ImageCheck.decode(damaged, LIMIT));
            assertTrue(refused.getMessage().startsWith("truncated or damaged image"), refused.getMessage());
        }
    }

    @Test
    void preprocessedTensorsAreThoseOfImageIosImage() throws Exception {
        byte[] png = Png.encode(30, 20, RGBA, samples(new Random(9), 30, 20, 4, true), row -> row % 5, 50, List.of());
        BufferedImage reference = ImageIO.read(new ByteArrayInputStream(png));
        for (var spec : List.of(new dev.chorus.plugin.api.InputSpec(28, 28, 1, new float[] {0.5f},
                new float[] {0.25f}), new dev.chorus.plugin.api.InputSpec(32, 32, 3, new float[] {0.4f, 0.5f, 0.6f},
                        new float[] {0.2f, 0.3f, 0.4f}))) {
            Preprocessor preprocessor = new Preprocessor(spec);
            assertArrayEquals(preprocessor.toTensor(reference), preprocessor.toTensor(PngDecoder.decode(png, LIMIT)));
        }
    }

    static void assertSameAsImageIo(byte[] png, String what) throws IOException {
        BufferedImage expected = ImageIO.read(new ByteArrayInputStream(png));
        BufferedImage actual = PngDecoder.decode(png, LIMIT);
        assertNotNull(actual, what + ": read by the shortcut");
        assertEquals(expected.getType(), actual.getType(), what);
        assertEquals(expected.getWidth(), actual.getWidth(), what);
        assertEquals(expected.getHeight(), actual.getHeight(), what);
        int w = expected.getWidth();
        int h = expected.getHeight();
        assertArrayEquals((byte[]) expected.getRaster().getDataElements(0, 0, w, h, null),
                (byte[]) actual.getRaster().getDataElements(0, 0, w, h, null), what);
        assertArrayEquals(expected.getRGB(0, 0, w, h, null, 0, w), actual.getRGB(0, 0, w, h, null, 0, w), what);
    }

    static int channels(int colour) {
        return switch (colour) {
            case GRAY -> 1;
            case RGB -> 3;
            case RGBA -> 4;
            default -> 2;
        };
    }

    /** Rows of samples: noise, or smooth ramps (where the predicting filters matter most). */
    static byte[][] samples(Random random, int width, int height, int channels, boolean smooth) {
        byte[][] rows = new byte[height][width * channels];
        for (int y = 0; y < height; y++) {
            for (int i = 0; i < rows[y].length; i++) {
                rows[y][i] = (byte) (smooth ? (i * 7 + y * 13 + random.nextInt(3)) : random.nextInt(256));
            }
        }
        return rows;
    }

    /** A minimal PNG writer with the filter of each row and the size of the IDAT chunks chosen by the test. */
    static final class Png {

        static byte[] encode(int width, int height, int colour, byte[][] rows, IntUnaryOperator filterOfRow,
                int idatChunk, List<byte[]> beforeData) throws IOException {
            int bpp = channels(colour);
            ByteArrayOutputStream filtered = new ByteArrayOutputStream();
            byte[] prior = new byte[width * bpp];
            for (int y = 0; y < height; y++) {
                int filter = filterOfRow.applyAsInt(y);
                filtered.write(filter);
                filtered.write(filter(filter, rows[y], prior, bpp));
                prior = rows[y];
            }
            Deflater deflater = new Deflater();
            deflater.setInput(filtered.toByteArray());
            deflater.finish();
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            while (!deflater.finished()) {
                compressed.write(buffer, 0, deflater.deflate(buffer));
            }
            deflater.end();
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
            png.write(chunk("IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8)
                    .put((byte) colour).put((byte) 0).put((byte) 0).put((byte) 0).array()));
            for (byte[] chunk : beforeData) {
                png.write(chunk);
            }
            byte[] data = compressed.toByteArray();
            for (int at = 0; at < data.length; at += idatChunk) {
                int end = (int) Math.min(data.length, (long) at + idatChunk);
                png.write(chunk("IDAT", Arrays.copyOfRange(data, at, end)));
            }
            png.write(chunk("IEND", new byte[0]));
            return png.toByteArray();
        }

        /** The same PNG with another bit depth, colour type or interlace method in its header. */
        static byte[] withHeader(byte[] png, int depth, int colour, int interlace) {
            byte[] changed = png.clone();
            changed[24] = (byte) depth;
            changed[25] = (byte) colour;
            changed[28] = (byte) interlace;
            return changed;
        }

        static byte[] filter(int filter, byte[] row, byte[] prior, int bpp) {
            byte[] out = new byte[row.length];
            for (int i = 0; i < row.length; i++) {
                int left = i >= bpp ? row[i - bpp] & 0xFF : 0;
                int up = prior[i] & 0xFF;
                int upperLeft = i >= bpp ? prior[i - bpp] & 0xFF : 0;
                int predicted = switch (filter) {
                    case 1 -> left;
                    case 2 -> up;
                    case 3 -> (left + up) / 2;
                    case 4 -> paeth(left, up, upperLeft);
                    default -> 0;
                };
                out[i] = (byte) (row[i] - predicted);
            }
            return out;
        }

        static int paeth(int a, int b, int c) {
            int p = a + b - c;
            int pa = Math.abs(p - a);
            int pb = Math.abs(p - b);
            int pc = Math.abs(p - c);
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }

        static byte[] chunk(String type, byte[] data) {
            ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
            chunk.putInt(data.length).put(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put(data);
            CRC32 crc = new CRC32();
            crc.update(chunk.array(), 4, 4 + data.length);
            return chunk.putInt((int) crc.getValue()).array();
        }
    }
}

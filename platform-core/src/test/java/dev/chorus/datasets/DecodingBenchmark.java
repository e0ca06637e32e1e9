package dev.chorus.datasets;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;

import javax.imageio.ImageIO;

/**
 * Benchmark, not a unit test: what decoding one request image costs on one thread, as serving
 * decodes it ({@link ImageCheck#decode(byte[], long)}: the PNG shortcut where it applies) and
 * through ImageIO alone, for Fashion-MNIST-sized and photo-sized PNGs and a JPEG. Run by the
 * preprocessing benchmark (README, "Benchmarks").
 */
public final class DecodingBenchmark {

    private static final long MAX_PIXELS = 40_000_000;

    private record Case(String image, byte[] encoded) {
    }

    @FunctionalInterface
    private interface Decoder {
        BufferedImage decode(byte[] bytes) throws ImageCheck.BadImageException;
    }

    private DecodingBenchmark() {
    }

    public static void run(double seconds) throws IOException, ImageCheck.BadImageException {
        List<Case> cases = List.of(
                new Case("28×28 gray PNG", encode(28, 28, BufferedImage.TYPE_BYTE_GRAY, "png")),
                new Case("28×28 RGB PNG", encode(28, 28, BufferedImage.TYPE_3BYTE_BGR, "png")),
                new Case("224×224 RGB PNG", encode(224, 224, BufferedImage.TYPE_3BYTE_BGR, "png")),
                new Case("500×375 RGBA PNG", encode(500, 375, BufferedImage.TYPE_4BYTE_ABGR, "png")),
                new Case("224×224 JPEG", encode(224, 224, BufferedImage.TYPE_3BYTE_BGR, "jpeg")));
        Decoder serving = bytes -> ImageCheck.decode(bytes, MAX_PIXELS);
        Decoder imageIo = bytes -> ImageCheck.decodeWithImageIo(bytes, MAX_PIXELS);
        for (Case c : cases) {
            time(c, serving, seconds); // JIT
            time(c, imageIo, seconds);
        }
        say(String.format("%-20s %8s %18s %18s", "image", "bytes", "serving, µs/image", "ImageIO, µs/image"));
        for (Case c : cases) {
            say(String.format("%-20s %8d %18.1f %18.1f", c.image(), c.encoded().length, time(c, serving, seconds),
                    time(c, imageIo, seconds)));
        }
    }

    /** Mean microseconds per image over {@code seconds}. */
    private static double time(Case c, Decoder decoder, double seconds) throws ImageCheck.BadImageException {
        long until = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long images = 0;
        long sink = 0;
        while (System.nanoTime() < until) {
            sink += decoder.decode(c.encoded()).getRGB(0, 0);
            images++;
        }
        if (sink == 42) {
            say("(42)"); // keeps the work observable to the JIT
        }
        return (System.nanoTime() - start) / 1e3 / images;
    }

    /** Noise on the left half, smooth ramps on the right (what compresses like a real image, roughly). */
    private static byte[] encode(int width, int height, int type, String format) throws IOException {
        BufferedImage image = new BufferedImage(width, height, type);
        Random random = new Random(width * 31L + height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int level = x < width / 2 ? random.nextInt(256) : (x + y) & 0xFF;
                image.setRGB(x, y, (0xFF << 24) | (level << 16) | ((255 - level) << 8) | (level / 2));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    private static void say(String line) {
        System.out.println("[decoding-benchmark] " + line);
    }
}

package dev.chorus.drills;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;

import dev.chorus.datasets.Preprocessor;
import dev.chorus.plugin.api.InputSpec;

/**
 * Benchmark, not a unit test: what decoding one request image costs (first, see
 * {@link dev.chorus.datasets.DecodingBenchmark}), then what turning a decoded image into a
 * backbone's input tensor costs (resize, colour, normalisation, CHW layout), on one thread, for the
 * shapes Chorus meets: the builtin backbones' 28×28 gray input and the zoo backbones' 224×224 RGB
 * one, from images of the same size, larger photos and smaller ones. Serving pays this for every
 * image and every distinct member input (on the transport's thread for small images, else on a
 * decode thread); training and feature extraction for every image read.
 * Arguments: [seconds per case 2].
 *
 * <p>Run: see README ("Benchmarks").
 */
public final class PreprocessingBenchmark {

    private static final InputSpec BUILTIN = new InputSpec(28, 28, 1, new float[] {0.2860f}, new float[] {0.3530f});
    private static final InputSpec ZOO = new InputSpec(224, 224, 3, new float[] {0.485f, 0.456f, 0.406f},
            new float[] {0.229f, 0.224f, 0.225f});

    private record Case(String image, BufferedImage source, InputSpec spec) {
    }

    private PreprocessingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        dev.chorus.datasets.DecodingBenchmark.run(seconds); // what comes before: decoding the request's bytes
        List<Case> cases = List.of(
                new Case("28×28 gray (Fashion-MNIST)", noise(28, 28, BufferedImage.TYPE_BYTE_GRAY), BUILTIN),
                new Case("224×224 RGB", noise(224, 224, BufferedImage.TYPE_3BYTE_BGR), BUILTIN),
                new Case("224×224 RGB", noise(224, 224, BufferedImage.TYPE_3BYTE_BGR), ZOO),
                new Case("500×375 RGB (a photo)", noise(500, 375, BufferedImage.TYPE_3BYTE_BGR), ZOO),
                new Case("28×28 gray (Fashion-MNIST)", noise(28, 28, BufferedImage.TYPE_BYTE_GRAY), ZOO));
        for (Case c : cases) {
            time(c, seconds); // JIT
        }
        say(String.format("%-28s %-12s %12s", "image", "to", "µs per image"));
        for (Case c : cases) {
            String to = c.spec().height() + "×" + c.spec().width() + "×" + c.spec().channels();
            say(String.format("%-28s %-12s %12.1f", c.image(), to, time(c, seconds)));
        }
    }

    /** Mean microseconds per image over {@code seconds}. */
    private static double time(Case c, double seconds) {
        Preprocessor preprocessor = new Preprocessor(c.spec());
        long until = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long images = 0;
        float sink = 0;
        while (System.nanoTime() < until) {
            sink += preprocessor.toTensor(c.source())[0];
            images++;
        }
        if (Float.isNaN(sink)) {
            say("(NaN)"); // keeps the work observable to the JIT
        }
        return (System.nanoTime() - start) / 1e3 / images;
    }

    private static BufferedImage noise(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        Random random = new Random(width * 31L + height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        return image;
    }

    private static void say(String line) {
        System.out.println("[preprocessing-benchmark] " + line);
    }
}

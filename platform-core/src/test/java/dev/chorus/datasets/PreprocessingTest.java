package dev.chorus.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import dev.chorus.plugin.api.InputSpec;

/** Images become the tensors a backbone's input spec asks for; augmentation is repeatable. */
class PreprocessingTest {

    static BufferedImage solid(int width, int height, Color color) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    static BufferedImage pattern(int seed) {
        BufferedImage image = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 20; x++) {
                image.setRGB(x, y, random.nextInt(0xFFFFFF));
            }
        }
        return image;
    }

    /** A split of generated images, labels alternating. */
    static SplitImages split(int size) {
        return new SplitImages() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public int label(int index) {
                return index % 2;
            }

            @Override
            public BufferedImage image(int index) {
                return pattern(index);
            }
        };
    }

    @Test
    void resizesNormalisesAndLaysOutChannelsFirst() {
        InputSpec spec = new InputSpec(4, 6, 3, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.25f, 1f});
        float[] tensor = new Preprocessor(spec).toTensor(solid(30, 10, new Color(255, 0, 51)));
        assertEquals(3 * 4 * 6, tensor.length);
        assertEquals(1f, tensor[0], 1e-6); // red 1.0 → (1 - 0.5) / 0.5
        assertEquals(-2f, tensor[24], 1e-6); // green 0.0 → (0 - 0.5) / 0.25
        assertEquals(-0.3f, tensor[48], 1e-6); // blue 0.2 → (0.2 - 0.5) / 1
    }

    @Test
    void turnsColourIntoGrayAndGrayIntoThreeEqualChannels() {
        float[] gray = new Preprocessor(InputSpec.unit(2, 2, 1)).toTensor(solid(2, 2, Color.WHITE));
        assertArrayEquals(new float[] {1, 1, 1, 1}, gray, 1e-6f);
        BufferedImage grayImage = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        grayImage.getRaster().setSample(0, 0, 0, 128);
        float[] rgb = new Preprocessor(InputSpec.unit(2, 2, 3)).toTensor(grayImage);
        assertEquals(rgb[0], rgb[4], 1e-6);
        assertEquals(rgb[0], rgb[8], 1e-6);
    }

    @Test
    void augmentationIsTheSameForTheSameSeedAndChangesTheImage() {
        Augmentation augmentation = new Augmentation(true, 15, 0.1, 0.1);
        BufferedImage image = pattern(1);
        BufferedImage first = augmentation.apply(image, new Random(5));
        BufferedImage second = augmentation.apply(image, new Random(5));
        assertArrayEquals(pixels(first), pixels(second));
        assertFalse(Arrays.equals(pixels(image), pixels(first)));
        assertArrayEquals(pixels(image), pixels(Augmentation.NONE.apply(image, new Random(5))));
    }

    @Test
    void refusesAugmentationOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new Augmentation(false, 270, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Augmentation(false, 0, 0, 1.5));
    }

    @Test
    void feedsDjlBatchesThatRepeatUnderASeedAndVaryByEpoch() throws Exception {
        Preprocessor preprocessor = new Preprocessor(InputSpec.unit(8, 8, 1));
        ImageSplitDataset dataset = ImageSplitDataset.builder(split(10), preprocessor)
                .augment(new Augmentation(true, 10, 0.1, 0.1), 3).setSampling(4, false).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            List<float[]> epochZero = batches(dataset, manager);
            assertEquals(3, epochZero.size(), "10 images in batches of 4");
            assertArrayEquals(epochZero.get(0), batches(dataset, manager).get(0), "same seed, same epoch");
            dataset.setEpoch(1);
            assertFalse(Arrays.equals(epochZero.get(0), batches(dataset, manager).get(0)), "a new epoch");
            Batch first = dataset.getData(manager).iterator().next();
            assertEquals(new Shape(4, 1, 8, 8), first.getData().head().getShape());
            assertArrayEquals(new float[] {0, 1, 0, 1}, first.getLabels().head().toFloatArray());
            first.close();
        }
    }

    private static List<float[]> batches(ImageSplitDataset dataset, NDManager manager) throws Exception {
        List<float[]> all = new ArrayList<>();
        for (Batch batch : dataset.getData(manager)) {
            all.add(batch.getData().head().toFloatArray());
            batch.close();
        }
        return all;
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    @Test
    void aGrayImageAtTheRightSizeGivesWhatDrawingItOntoRgbGives() {
        BufferedImage gray = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        Random random = new Random(4);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                gray.getRaster().setSample(x, y, 0, random.nextInt(256));
            }
        }
        BufferedImage drawn = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = drawn.createGraphics();
        g.drawImage(gray, 0, 0, null);
        g.dispose();
        Preprocessor preprocessor = new Preprocessor(new InputSpec(28, 28, 1, new float[] {0.286f}, new float[] {0.353f}));
        assertArrayEquals(preprocessor.toTensor(drawn), preprocessor.toTensor(gray), 1e-6f);
    }

    @Test
    void givesExactlyWhatReadingEachPixelThroughItsColourModelGives() {
        List<BufferedImage> images = new ArrayList<>();
        for (int type : new int[] {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_INT_RGB,
                BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_ARGB}) {
            images.add(noise(new BufferedImage(20, 20, type), type));
        }
        // a window of a larger image: its raster starts at an offset and has a longer scanline
        images.add(noise(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), 7).getSubimage(5, 3, 20, 20));
        images.add(noise(new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY), 8).getSubimage(5, 3, 20, 20));
        List<InputSpec> specs = List.of(new InputSpec(20, 20, 1, new float[] {0.286f}, new float[] {0.353f}),
                new InputSpec(20, 20, 3, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}),
                new InputSpec(28, 12, 3, new float[] {0.1f, 0.2f, 0.3f}, new float[] {0.5f, 0.25f, 0.125f}),
                new InputSpec(9, 31, 1, new float[] {0.5f}, new float[] {0.25f}));
        for (BufferedImage image : images) {
            for (InputSpec spec : specs) {
                assertArrayEquals(eachPixel(spec, image), new Preprocessor(spec).toTensor(image), 0f,
                        "image type " + image.getType() + ", spec " + spec);
            }
        }
    }

    private static BufferedImage noise(BufferedImage image, long seed) {
        Random random = new Random(seed);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        return image;
    }

    /** The definition, one pixel at a time: gray levels from the raster, colour through getRGB. */
    private static float[] eachPixel(InputSpec spec, BufferedImage image) {
        BufferedImage sized = Preprocessor.resize(image, spec.width(), spec.height());
        int plane = spec.width() * spec.height();
        float[] tensor = new float[spec.channels() * plane];
        for (int y = 0; y < spec.height(); y++) {
            for (int x = 0; x < spec.width(); x++) {
                int rgb = sized.getType() == BufferedImage.TYPE_BYTE_GRAY
                        ? sized.getRaster().getSample(x, y, 0) * 0x010101 : sized.getRGB(x, y);
                float r = ((rgb >> 16) & 0xFF) / 255f;
                float g = ((rgb >> 8) & 0xFF) / 255f;
                float b = (rgb & 0xFF) / 255f;
                int at = y * spec.width() + x;
                if (spec.channels() == 1) {
                    tensor[at] = (0.299f * r + 0.587f * g + 0.114f * b - spec.mean()[0]) / spec.std()[0];
                } else {
                    tensor[at] = (r - spec.mean()[0]) / spec.std()[0];
                    tensor[plane + at] = (g - spec.mean()[1]) / spec.std()[1];
                    tensor[2 * plane + at] = (b - spec.mean()[2]) / spec.std()[2];
                }
            }
        }
        return tensor;
    }
}

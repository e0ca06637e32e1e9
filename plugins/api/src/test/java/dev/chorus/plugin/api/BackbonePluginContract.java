package dev.chorus.plugin.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * What every backbone plugin promises. A plugin's test extends this and supplies the plugin and
 * a context in which at least one of its backbones has weights.
 */
public abstract class BackbonePluginContract {

    protected abstract BackbonePlugin plugin();

    protected abstract PluginContext context();

    protected List<BackboneProvider> providers() {
        return plugin().backbones(context());
    }

    protected List<BackboneProvider> available() {
        List<BackboneProvider> available = providers().stream()
                .filter(p -> p.availability() instanceof Availability.Available).toList();
        assertFalse(available.isEmpty(), "the contract needs at least one available backbone in the test context");
        return available;
    }

    /** Images with pixel values as a normalised [0, 1] image would have them; the same for the same seed. */
    protected static NDArray images(NDManager manager, InputSpec input, int count, long seed) {
        Random random = new Random(seed);
        float[] pixels = new float[count * input.channels() * input.height() * input.width()];
        for (int i = 0; i < pixels.length; i++) {
            int channel = (i / (input.height() * input.width())) % input.channels();
            pixels[i] = (random.nextFloat() - input.mean()[channel]) / input.std()[channel];
        }
        return manager.create(pixels, new Shape(count, input.channels(), input.height(), input.width()));
    }

    @Test
    void describesEveryBackboneWithAUniqueNameAndVersion() {
        assertFalse(plugin().id().isBlank());
        Set<String> keys = new HashSet<>();
        for (BackboneProvider provider : providers()) {
            BackboneDescriptor descriptor = provider.descriptor();
            assertNotNull(descriptor);
            assertTrue(keys.add(descriptor.key()), "duplicate " + descriptor.key());
            assertNotNull(provider.availability(), descriptor.key());
        }
        assertFalse(keys.isEmpty(), "a plugin offers at least one backbone");
    }

    @Test
    void unavailableBackbonesSayWhyAndRefuseToOpen() {
        for (BackboneProvider provider : providers()) {
            if (provider.availability() instanceof Availability.Unavailable unavailable) {
                assertFalse(unavailable.reason().isBlank());
                assertThrows(BackboneUnavailableException.class, provider::open, provider.descriptor().key());
            }
        }
    }

    @Test
    void extractsOnePooledVectorOfTheDeclaredSizePerImage() throws Exception {
        for (BackboneProvider provider : available()) {
            BackboneDescriptor descriptor = provider.descriptor();
            try (FeatureExtractor extractor = provider.open(); NDManager manager = NDManager.newBaseManager()) {
                NDArray features = extractor.extract(images(manager, descriptor.input(), 3, 1));
                assertEquals(new Shape(3, descriptor.featureDimension()), features.getShape(), descriptor.key());
                for (float value : features.toFloatArray()) {
                    assertTrue(Float.isFinite(value), descriptor.key() + " produced " + value);
                }
            }
        }
    }

    @Test
    void theSameImagesGiveBitIdenticalFeatures() throws Exception {
        for (BackboneProvider provider : available()) {
            InputSpec input = provider.descriptor().input();
            try (FeatureExtractor extractor = provider.open(); NDManager manager = NDManager.newBaseManager()) {
                float[] first = extractor.extract(images(manager, input, 4, 7)).toFloatArray();
                float[] second = extractor.extract(images(manager, input, 4, 7)).toFloatArray();
                assertArrayEquals(first, second, provider.descriptor().key());
            }
            try (FeatureExtractor reopened = provider.open(); FeatureExtractor again = provider.open();
                    NDManager manager = NDManager.newBaseManager()) {
                assertArrayEquals(reopened.extract(images(manager, input, 2, 3)).toFloatArray(),
                        again.extract(images(manager, input, 2, 3)).toFloatArray(), "two loads of the same weights");
            }
        }
    }

    /** In training mode BatchNorm would normalise with the batch's statistics, mixing images. */
    @Test
    void anImagesFeaturesDoNotDependOnTheRestOfItsBatch() throws Exception {
        for (BackboneProvider provider : available()) {
            InputSpec input = provider.descriptor().input();
            try (FeatureExtractor extractor = provider.open(); NDManager manager = NDManager.newBaseManager()) {
                NDArray batch = images(manager, input, 5, 11);
                NDArray inBatch = extractor.extract(batch).get(2);
                NDArray alone = extractor.extract(batch.get("2:3")).get(0);
                float[] expected = alone.toFloatArray();
                float[] actual = inBatch.toFloatArray();
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], actual[i], 1e-4f * Math.max(1f, Math.abs(expected[i])),
                            provider.descriptor().key() + " feature " + i);
                }
            }
        }
    }

    @Test
    void refusesImagesOfTheWrongShape() throws Exception {
        BackboneProvider provider = available().get(0);
        InputSpec input = provider.descriptor().input();
        try (FeatureExtractor extractor = provider.open(); NDManager manager = NDManager.newBaseManager()) {
            NDArray wrong = manager.zeros(new Shape(1, input.channels(), input.height() + 1, input.width()));
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> extractor.extract(wrong));
            assertTrue(refused.getMessage().contains(provider.descriptor().key()), refused.getMessage());
        }
    }
}

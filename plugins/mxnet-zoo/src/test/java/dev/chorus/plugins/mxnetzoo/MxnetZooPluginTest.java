package dev.chorus.plugins.mxnetzoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.chorus.plugin.api.Availability;
import dev.chorus.plugin.api.BackbonePlugin;
import dev.chorus.plugin.api.BackbonePluginContract;
import dev.chorus.plugin.api.BackboneProvider;
import dev.chorus.plugin.api.FeatureExtractor;
import dev.chorus.plugin.api.PluginContext;
import dev.chorus.plugins.mxnetimport.ExportedModel;

/**
 * The zoo with one model present in a fake DJL cache (a small network exported under the zoo's
 * file names, with the real model's input and feature sizes) and the others absent.
 */
class MxnetZooPluginTest extends BackbonePluginContract {

    @TempDir
    static Path weights;
    @TempDir
    static Path djlCache;

    @BeforeAll
    static void putOneModelInTheCache() throws Exception {
        // 2048 filters with stride 8: ResNet-50's feature size at a fraction of its cost.
        ExportedModel.writeClassifier(djlCache.resolve("repo/model/cv/image_classification/ai/djl/mxnet/resnet/0.0.1"),
                "resnet50_v1", 3, 2048, 8, 10, 3);
    }

    @Override
    protected BackbonePlugin plugin() {
        return new MxnetZooPlugin();
    }

    @Override
    protected PluginContext context() {
        return new PluginContext(weights, Map.of(MxnetZooPlugin.CACHE_SETTING, djlCache.toString()));
    }

    BackboneProvider provider(String name) {
        return providers().stream().filter(p -> p.descriptor().name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void offersTheThreeClassifiersAtImageNetInput() {
        List<String> names = providers().stream().map(p -> p.descriptor().key()).toList();
        assertEquals(List.of("resnet50-v1:imagenet-1", "mobilenet-v2:imagenet-1", "vgg16:imagenet-1"), names);
        assertEquals(224, provider("vgg16").descriptor().input().height());
        assertEquals(3, provider("vgg16").descriptor().input().channels());
    }

    @Test
    void aModelInTheCacheIsAvailableWithTheClassifierRemoved() throws Exception {
        assertInstanceOf(Availability.Available.class, provider("resnet50-v1").availability());
        try (FeatureExtractor extractor = provider("resnet50-v1").open(); NDManager manager = NDManager.newBaseManager()) {
            assertEquals(new Shape(2, 2048), extractor.extract(manager.zeros(new Shape(2, 3, 224, 224))).getShape());
        }
    }

    @Test
    void aModelNotDownloadedIsUnavailableAndSaysWhereToPutIt() {
        Availability availability = provider("mobilenet-v2").availability();
        String reason = assertInstanceOf(Availability.Unavailable.class, availability).reason();
        assertTrue(reason.startsWith("weights not found: put mobilenetv2_1.0-symbol.json and"
                + " mobilenetv2_1.0-0000.params in " + weights.resolve("mxnet-zoo/mobilenet-v2")), reason);
        assertTrue(reason.endsWith("Chorus does not download them"), reason);
    }
}

package dev.chorus.plugins.mxnetimport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chorus.plugin.api.Availability;
import dev.chorus.plugin.api.BackboneProvider;
import dev.chorus.plugin.api.PluginContext;

/** What a user gets wrong when exporting a model, and the reason each mistake produces. */
class MxnetImportFaultsTest {

    @TempDir
    Path weights;

    Path model() {
        return weights.resolve(MxnetImportPlugin.ID).resolve("model");
    }

    BackboneProvider onlyProvider() {
        List<BackboneProvider> providers = new MxnetImportPlugin().backbones(new PluginContext(weights, Map.of()));
        assertEquals(1, providers.size());
        return providers.get(0);
    }

    String unavailableReason() {
        Availability availability = onlyProvider().availability();
        return assertInstanceOf(Availability.Unavailable.class, availability).reason();
    }

    @Test
    void aDescriptorWithAMissingFieldNamesTheFileAndTheField() throws Exception {
        ExportedModel.write(model(), ExportedModel.DESCRIPTOR.replace("feature.layer=flatten0\n", ""),
                ExportedModel.params(1, 3));
        IllegalArgumentException problem = assertThrows(IllegalArgumentException.class,
                () -> onlyProvider().descriptor());
        assertTrue(problem.getMessage().contains(model().resolve("backbone.properties").toString()));
        assertTrue(problem.getMessage().endsWith("missing field 'feature.layer'"), problem.getMessage());
        assertTrue(unavailableReason().contains("missing field 'feature.layer'"));
    }

    @Test
    void anInputSpecWithAZeroSizeIsRefused() throws Exception {
        ExportedModel.write(model(), ExportedModel.DESCRIPTOR.replace("input.height=8", "input.height=0"),
                ExportedModel.params(1, 3));
        IllegalArgumentException problem = assertThrows(IllegalArgumentException.class,
                () -> onlyProvider().descriptor());
        assertTrue(problem.getMessage().contains("input size must be positive, was 0x8"), problem.getMessage());
    }

    @Test
    void aParamsFileLackingWeightsOfTheSymbolIsUnavailable() throws Exception {
        ExportedModel.write(model(), ExportedModel.DESCRIPTOR,
                ExportedModel.without(ExportedModel.params(1, 3), "aux:bn0_moving_var"));
        String reason = unavailableReason();
        assertTrue(reason.contains("does not match the symbol: it lacks bn0_moving_var, needed up to layer 'flatten0'"),
                reason);
    }

    @Test
    void weightsOfTheWrongShapeAreUnavailableWithTheEnginesReason() throws Exception {
        ExportedModel.write(model(), ExportedModel.DESCRIPTOR, ExportedModel.params(1, 5));
        String reason = unavailableReason();
        assertTrue(reason.contains("cannot run as tiny-import:1"), reason);
    }

    @Test
    void anUnknownFeatureLayerListsTheLayersThereAre() throws Exception {
        ExportedModel.write(model(), ExportedModel.DESCRIPTOR.replace("feature.layer=flatten0", "feature.layer=pool5"),
                ExportedModel.params(1, 3));
        String reason = unavailableReason();
        assertTrue(reason.contains("feature layer 'pool5' is not in"), reason);
        assertTrue(reason.contains("conv0, bn0, relu0, pool0, flatten0, fc0"), reason);
    }

    @Test
    void aWrongFeatureDimensionIsCaughtByRunningTheNetworkOnce() throws Exception {
        ExportedModel.write(model(), ExportedModel.DESCRIPTOR.replace("feature.dimension=8", "feature.dimension=2048"),
                ExportedModel.params(1, 3));
        assertEquals("layer output has 8 values per image but backbone.properties declares feature.dimension=2048",
                unavailableReason());
    }

    @Test
    void aTruncatedParamsFileIsUnavailable() throws Exception {
        ExportedModel.write(model(), 1);
        Path params = model().resolve("tiny-0000.params");
        byte[] bytes = Files.readAllBytes(params);
        Files.write(params, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertTrue(unavailableReason().contains("truncated"), unavailableReason());
    }

    @Test
    void theLayerMayBeNamedByItsOutputToo() throws Exception {
        ExportedModel.write(model(), ExportedModel.DESCRIPTOR.replace("feature.layer=flatten0",
                "feature.layer=flatten0_output"), ExportedModel.params(1, 3));
        assertInstanceOf(Availability.Available.class, onlyProvider().availability());
    }
}

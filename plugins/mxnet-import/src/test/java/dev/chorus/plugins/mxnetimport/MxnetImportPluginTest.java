package dev.chorus.plugins.mxnetimport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chorus.plugin.api.BackboneDescriptor;
import dev.chorus.plugin.api.BackbonePlugin;
import dev.chorus.plugin.api.BackbonePluginContract;
import dev.chorus.plugin.api.BackboneProvider;
import dev.chorus.plugin.api.PluginContext;

/** An exported MXNet model directory, imported and cut at its pooling layer, keeps the contract. */
class MxnetImportPluginTest extends BackbonePluginContract {

    @TempDir
    static Path weights;

    @BeforeAll
    static void exportAModel() throws Exception {
        ExportedModel.write(weights.resolve(MxnetImportPlugin.ID).resolve("tiny"), 5);
    }

    @Override
    protected BackbonePlugin plugin() {
        return new MxnetImportPlugin();
    }

    @Override
    protected PluginContext context() {
        return new PluginContext(weights, Map.of());
    }

    @Test
    void describesTheModelAsItsDescriptorSays() {
        List<BackboneProvider> providers = providers();
        assertEquals(1, providers.size());
        BackboneDescriptor descriptor = providers.get(0).descriptor();
        assertEquals("tiny-import:1", descriptor.key());
        assertEquals(8, descriptor.featureDimension());
        assertEquals(0.25f, descriptor.input().std()[0]);
        assertEquals("MXNet", descriptor.engine());
        assertEquals("CC0", descriptor.licence());
    }
}

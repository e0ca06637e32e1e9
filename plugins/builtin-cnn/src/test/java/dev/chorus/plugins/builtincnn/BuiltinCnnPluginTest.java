package dev.chorus.plugins.builtincnn;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import dev.chorus.plugin.api.BackbonePlugin;
import dev.chorus.plugin.api.BackbonePluginContract;
import dev.chorus.plugin.api.PluginContext;

/** The builtin CNNs keep the plugin contract once they have (tiny, test-trained) weights. */
class BuiltinCnnPluginTest extends BackbonePluginContract {

    @TempDir
    static Path weights;

    @BeforeAll
    static void trainTinyWeights() throws Exception {
        for (Architecture architecture : Architecture.values()) {
            TinyWeights.train(architecture, weights.resolve(BuiltinCnnPlugin.ID), 3, 42);
        }
    }

    @Override
    protected BackbonePlugin plugin() {
        return new BuiltinCnnPlugin();
    }

    @Override
    protected PluginContext context() {
        return new PluginContext(weights, Map.of());
    }
}

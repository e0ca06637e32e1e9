package dev.chorus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.chorus.plugin.api.BackbonePlugin;
import dev.chorus.registry.fixtures.JarPlugin;
import dev.chorus.registry.BackboneVersion.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Plugin jars dropped into the plugin directory, each with a class loader of its own. */
@QuarkusTest
@TestProfile(PluginDirectoryTest.WithPluginJars.class)
class PluginDirectoryTest {

    public static class WithPluginJars implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PluginJarsResource.class));
        }
    }

    @Inject
    BackboneRegistry registry;

    BackbonePluginRecord plugin(String id) {
        return registry.plugins().stream().filter(p -> p.pluginId.equals(id)).findFirst().orElseThrow();
    }

    @Test
    void registersTheBackbonesOfAJarPluginLoadedInItsOwnClassLoader() {
        BackbonePluginRecord jarPlugin = plugin("jar-plugin");
        assertEquals(BackbonePluginRecord.Status.LOADED, jarPlugin.status);
        assertTrue(jarPlugin.source.endsWith("jar-plugin.jar"), jarPlugin.source);
        assertEquals(Status.AVAILABLE, registry.get("jar-net", "1").status);

        BackbonePlugin loaded = registry.plugin("jar-plugin").orElseThrow();
        assertEquals(JarPlugin.class.getName(), loaded.getClass().getName());
        assertTrue(loaded.getClass().getClassLoader() instanceof PluginClassLoader,
                "loaded from the jar, not from the class path: " + loaded.getClass().getClassLoader());
        assertNotSame(JarPlugin.class, loaded.getClass());
    }

    @Test
    void aJarWithoutAPluginIsRecordedAsFailed() {
        BackbonePluginRecord empty = plugin("no-plugin.jar");
        assertEquals(BackbonePluginRecord.Status.FAILED, empty.status);
        assertTrue(empty.statusReason.contains("declares no dev.chorus.plugin.api.BackbonePlugin"), empty.statusReason);
    }

    @Test
    void aCorruptJarIsRecordedAsFailedAndTheRestStillLoads() {
        BackbonePluginRecord corrupt = plugin("corrupt.jar");
        assertEquals(BackbonePluginRecord.Status.FAILED, corrupt.status);
        assertTrue(corrupt.statusReason.startsWith("not a readable jar file"), corrupt.statusReason);
        assertEquals(BackbonePluginRecord.Status.LOADED, plugin("builtin-cnn").status);
    }

    @Test
    void backbonesRegisteredByEarlierStartsKeepTheirHistory() {
        assertEquals(1, registry.history("resnet-mini", "1").stream().filter(e -> e.kind.equals("REGISTERED")).count());
    }
}

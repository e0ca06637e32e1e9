package dev.chorus.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.chorus.plugin.api.WeightsFiles;
import dev.chorus.registry.BackboneVersion.Status;
import dev.chorus.registry.fixtures.FixturePlugin;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The registry as start-up leaves it with the bundled builtin-cnn plugin (no weights yet) and the
 * test fixtures: a usable plugin with mistakes in it, one that throws everywhere, one that cannot
 * be constructed.
 */
@QuarkusTest
class BackboneRegistryTest {

    static final Path WEIGHTS = Path.of("target/test-weights");

    @Inject
    BackboneRegistry registry;

    @AfterEach
    void removeFixtureWeights() throws Exception {
        Files.deleteIfExists(FixturePlugin.weightsFile(WEIGHTS));
        registry.synchronize();
    }

    BackboneVersion backbone(String name) {
        return registry.get(name, "1");
    }

    BackbonePluginRecord plugin(String id) {
        return registry.plugins().stream().filter(p -> p.pluginId.equals(id)).findFirst().orElseThrow();
    }

    @Test
    void builtinBackbonesWithoutWeightsAreUnavailableAndSayWhichFileIsMissing() {
        for (String name : List.of("resnet-mini", "mobilenet-mini", "vgg-mini")) {
            BackboneVersion backbone = backbone(name);
            assertEquals(Status.UNAVAILABLE, backbone.status, name);
            assertTrue(backbone.statusReason.startsWith("weights file missing: "), backbone.statusReason);
            assertTrue(backbone.statusReason.endsWith("builtin-cnn/" + name + "/1/" + name + "-0000.params"),
                    backbone.statusReason);
            assertEquals("builtin-cnn", backbone.plugin);
            assertEquals("MXNet", backbone.engine);
        }
        assertEquals(64, backbone("resnet-mini").featureDimension);
        assertEquals(28, backbone("vgg-mini").inputHeight);
        assertEquals(BackbonePluginRecord.Status.LOADED, plugin("builtin-cnn").status);
        assertEquals(3, plugin("builtin-cnn").backboneCount);
    }

    @Test
    void aPluginThatThrowsEverywhereIsRecordedAsFailedWithTheReason() {
        BackbonePluginRecord throwing = plugin("dev.chorus.registry.fixtures.ThrowingPlugin");
        assertEquals(BackbonePluginRecord.Status.FAILED, throwing.status);
        assertTrue(throwing.statusReason.contains("listing its backbones failed"), throwing.statusReason);
        assertTrue(throwing.statusReason.contains("pretending to run out of memory"), throwing.statusReason);
    }

    @Test
    void aPluginThatCannotBeConstructedIsRecordedAsFailed() {
        BackbonePluginRecord broken = plugin("dev.chorus.registry.fixtures.UnconstructablePlugin");
        assertEquals(BackbonePluginRecord.Status.FAILED, broken.status);
        assertTrue(broken.statusReason.contains("could not be loaded"), broken.statusReason);
        assertTrue(broken.statusReason.contains("missing native library libfoo.so"), broken.statusReason);
    }

    @Test
    void aPluginsMistakesAreRecordedWhileItsGoodBackbonesAreRegistered() {
        BackbonePluginRecord fixtures = plugin(FixturePlugin.ID);
        assertEquals(BackbonePluginRecord.Status.FAILED, fixtures.status);
        assertTrue(fixtures.statusReason.contains("backbone fixture-net:1 is already offered by plugin 'fixtures';"
                + " this duplicate was ignored"), fixtures.statusReason);
        assertTrue(fixtures.statusReason.contains("a backbone's descriptor failed: input size must be positive"),
                fixtures.statusReason);
        assertEquals(2, fixtures.backboneCount);

        BackboneVersion flaky = backbone("flaky-net");
        assertEquals(Status.FAILED, flaky.status);
        assertEquals("availability check failed: disk on fire", flaky.statusReason);
        assertEquals(Status.UNAVAILABLE, backbone("fixture-net").status);
    }

    @Test
    void weightsChangedUnderTheSameVersionAreRefusedNotOverwritten() throws Exception {
        Path file = FixturePlugin.weightsFile(WEIGHTS);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "weights A");
        registry.synchronize();
        String recorded = WeightsFiles.sha256(file);
        BackboneVersion available = backbone("fixture-net");
        assertEquals(Status.AVAILABLE, available.status);
        assertEquals(recorded, available.weightsSha256);

        Files.writeString(file, "weights B");
        registry.synchronize();
        BackboneVersion refused = backbone("fixture-net");
        assertEquals(Status.FAILED, refused.status);
        assertEquals(recorded, refused.weightsSha256, "the recorded checksum is kept");
        assertTrue(refused.statusReason.contains("weights changed under the same name and version (recorded sha256 "
                + recorded + ", found " + WeightsFiles.sha256(file) + ")"), refused.statusReason);
        assertTrue(registry.history("fixture-net", "1").stream().anyMatch(e -> e.kind.equals("CONFLICT")));

        Files.writeString(file, "weights A");
        registry.synchronize();
        assertEquals(Status.AVAILABLE, backbone("fixture-net").status, "the recorded weights are accepted again");
    }

    @Test
    void synchronisingAgainChangesNothingThatDidNotChange() {
        long rows = QuarkusTransaction.requiringNew().call(() -> BackboneVersion.count());
        int events = registry.history("resnet-mini", "1").size();
        registry.synchronize();
        registry.synchronize();
        assertEquals(rows, QuarkusTransaction.requiringNew().call(() -> BackboneVersion.count()));
        assertEquals(events, registry.history("resnet-mini", "1").size());
        assertEquals(1, registry.history("resnet-mini", "1").stream().filter(e -> e.kind.equals("REGISTERED")).count(),
                "registered once, however often Chorus started");
    }

    @Test
    void aVersionNoPluginOffersAnyMoreStaysInTheRegistryAsUnavailable() {
        QuarkusTransaction.requiringNew().run(() -> {
            BackboneEvent.delete("backboneId in (select b.id from BackboneVersion b where b.name = ?1)", "ghost-net");
            BackboneVersion.delete("name", "ghost-net");
            BackboneVersion ghost = new BackboneVersion();
            ghost.name = "ghost-net";
            ghost.version = "1";
            ghost.plugin = "uninstalled-plugin";
            ghost.status = Status.AVAILABLE;
            ghost.persist();
        });
        registry.synchronize();
        BackboneVersion ghost = backbone("ghost-net");
        assertEquals(Status.UNAVAILABLE, ghost.status);
        assertEquals("no plugin offers it any more (last offered by plugin 'uninstalled-plugin')", ghost.statusReason);
    }

    @Test
    void listsByStatusAndPlugin() {
        List<BackboneVersion> builtin = registry.list(Optional.empty(), Optional.of("builtin-cnn"));
        assertEquals(List.of("mobilenet-mini", "resnet-mini", "vgg-mini"), builtin.stream().map(b -> b.name).toList());
        assertFalse(registry.list(Optional.of(Status.FAILED), Optional.empty()).isEmpty());
        assertTrue(registry.list(Optional.of(Status.AVAILABLE), Optional.of("builtin-cnn")).isEmpty());
        assertNull(registry.provider("no-such", "1").orElse(null));
        assertTrue(registry.provider("resnet-mini", "1").isPresent());
    }
}

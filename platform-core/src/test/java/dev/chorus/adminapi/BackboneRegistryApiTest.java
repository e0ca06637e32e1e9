package dev.chorus.adminapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.chorus.proto.v1.Backbone;
import dev.chorus.proto.v1.BackboneDetails;
import dev.chorus.proto.v1.BackboneRegistryGrpc;
import dev.chorus.proto.v1.BackboneStatus;
import dev.chorus.proto.v1.GetBackboneRequest;
import dev.chorus.proto.v1.ListBackbonesRequest;
import dev.chorus.proto.v1.ListPluginsRequest;
import dev.chorus.proto.v1.Plugin;
import dev.chorus.proto.v1.SetBackboneEnabledRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;

/** The registry's admin API over a real socket, errors included. */
@QuarkusTest
class BackboneRegistryApiTest {

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int port;

    ManagedChannel channel;
    BackboneRegistryGrpc.BackboneRegistryBlockingStub registry;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        registry = BackboneRegistryGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        registry.setBackboneEnabled(SetBackboneEnabledRequest.newBuilder().setName("vgg-mini").setVersion("1")
                .setEnabled(true).build());
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void listsBackbonesWithStatusReasonAndInputSpec() {
        List<Backbone> builtin = registry.listBackbones(ListBackbonesRequest.newBuilder().setPlugin("builtin-cnn")
                .build()).getBackbonesList();
        assertEquals(List.of("mobilenet-mini", "resnet-mini", "vgg-mini"), builtin.stream().map(Backbone::getName).toList());
        Backbone resnet = builtin.get(1);
        assertEquals(BackboneStatus.UNAVAILABLE, resnet.getStatus());
        assertTrue(resnet.getStatusReason().startsWith("weights file missing"));
        assertEquals(28, resnet.getInput().getHeight());
        assertEquals(List.of(0.2860f), resnet.getInput().getMeanList());
        assertEquals(64, resnet.getFeatureDimension());
        assertEquals("residual", resnet.getFamily());
    }

    @Test
    void filtersByStatus() {
        List<Backbone> failed = registry.listBackbones(ListBackbonesRequest.newBuilder()
                .setStatus(BackboneStatus.FAILED).build()).getBackbonesList();
        assertFalse(failed.isEmpty());
        assertTrue(failed.stream().allMatch(b -> b.getStatus() == BackboneStatus.FAILED));
    }

    @Test
    void disablesAndEnablesKeepingTheHistory() {
        Backbone disabled = registry.setBackboneEnabled(SetBackboneEnabledRequest.newBuilder().setName("vgg-mini")
                .setVersion("1").setEnabled(false).build());
        assertFalse(disabled.getEnabled());
        Backbone enabled = registry.setBackboneEnabled(SetBackboneEnabledRequest.newBuilder().setName("vgg-mini")
                .setVersion("1").setEnabled(true).build());
        assertTrue(enabled.getEnabled());

        BackboneDetails details = registry.getBackbone(GetBackboneRequest.newBuilder().setName("vgg-mini")
                .setVersion("1").build());
        List<String> kinds = details.getHistoryList().stream().map(e -> e.getKind()).toList();
        assertEquals("REGISTERED", kinds.get(0));
        assertEquals(List.of("DISABLED", "ENABLED"), kinds.subList(kinds.size() - 2, kinds.size()));
    }

    @Test
    void anUnknownBackboneIsNotFound() {
        StatusRuntimeException error = assertThrows(StatusRuntimeException.class, () -> registry.getBackbone(
                GetBackboneRequest.newBuilder().setName("no-such-net").setVersion("7").build()));
        assertEquals(Status.Code.NOT_FOUND, error.getStatus().getCode());
        assertEquals("no backbone no-such-net:7 in the registry", error.getStatus().getDescription());
    }

    @Test
    void aRequestWithoutAVersionIsInvalid() {
        StatusRuntimeException error = assertThrows(StatusRuntimeException.class, () -> registry.setBackboneEnabled(
                SetBackboneEnabledRequest.newBuilder().setName("vgg-mini").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, error.getStatus().getCode());
        assertEquals("a backbone is named by both name and version", error.getStatus().getDescription());
    }

    @Test
    void listsPluginsWithTheirFailures() {
        List<Plugin> plugins = registry.listPlugins(ListPluginsRequest.getDefaultInstance()).getPluginsList();
        Plugin builtin = plugins.stream().filter(p -> p.getId().equals("builtin-cnn")).findFirst().orElseThrow();
        assertEquals("LOADED", builtin.getStatus());
        assertEquals("class path", builtin.getSource());
        assertTrue(plugins.stream().anyMatch(p -> p.getStatus().equals("FAILED")
                && p.getStatusReason().contains("missing native library libfoo.so")));
    }
}

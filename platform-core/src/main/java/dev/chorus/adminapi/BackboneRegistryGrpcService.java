package dev.chorus.adminapi;

import java.util.List;
import java.util.Optional;

import dev.chorus.proto.v1.Backbone;
import dev.chorus.proto.v1.BackboneDetails;
import dev.chorus.proto.v1.BackboneEvent;
import dev.chorus.proto.v1.BackboneRegistryGrpc;
import dev.chorus.proto.v1.BackboneStatus;
import dev.chorus.proto.v1.GetBackboneRequest;
import dev.chorus.proto.v1.InputSpec;
import dev.chorus.proto.v1.ListBackbonesRequest;
import dev.chorus.proto.v1.ListBackbonesResponse;
import dev.chorus.proto.v1.ListPluginsRequest;
import dev.chorus.proto.v1.ListPluginsResponse;
import dev.chorus.proto.v1.Plugin;
import dev.chorus.proto.v1.SetBackboneEnabledRequest;
import dev.chorus.registry.BackbonePluginRecord;
import dev.chorus.registry.BackboneRegistry;
import dev.chorus.registry.BackboneVersion;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/** Transport only: the registry's operations on the chorus.v1 wire messages. */
@GrpcService
@Blocking
public class BackboneRegistryGrpcService extends BackboneRegistryGrpc.BackboneRegistryImplBase {

    private final BackboneRegistry registry;

    BackboneRegistryGrpcService(BackboneRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void listBackbones(ListBackbonesRequest request, StreamObserver<ListBackbonesResponse> response) {
        Optional<BackboneVersion.Status> status = switch (request.getStatus()) {
            case AVAILABLE -> Optional.of(BackboneVersion.Status.AVAILABLE);
            case UNAVAILABLE -> Optional.of(BackboneVersion.Status.UNAVAILABLE);
            case FAILED -> Optional.of(BackboneVersion.Status.FAILED);
            default -> Optional.empty();
        };
        Optional<String> plugin = request.getPlugin().isBlank() ? Optional.empty() : Optional.of(request.getPlugin());
        List<Backbone> backbones = registry.list(status, plugin).stream().map(BackboneRegistryGrpcService::toProto)
                .toList();
        response.onNext(ListBackbonesResponse.newBuilder().addAllBackbones(backbones).build());
        response.onCompleted();
    }

    @Override
    public void getBackbone(GetBackboneRequest request, StreamObserver<BackboneDetails> response) {
        BackboneVersion backbone = registry.get(request.getName(), request.getVersion());
        BackboneDetails.Builder details = BackboneDetails.newBuilder().setBackbone(toProto(backbone));
        registry.history(request.getName(), request.getVersion()).forEach(event -> details.addHistory(
                BackboneEvent.newBuilder().setAt(Timestamps.of(event.at)).setKind(event.kind)
                        .setDetail(event.detail)));
        response.onNext(details.build());
        response.onCompleted();
    }

    @Override
    public void setBackboneEnabled(SetBackboneEnabledRequest request, StreamObserver<Backbone> response) {
        response.onNext(toProto(registry.setEnabled(request.getName(), request.getVersion(), request.getEnabled())));
        response.onCompleted();
    }

    @Override
    public void listPlugins(ListPluginsRequest request, StreamObserver<ListPluginsResponse> response) {
        ListPluginsResponse.Builder plugins = ListPluginsResponse.newBuilder();
        for (BackbonePluginRecord plugin : registry.plugins()) {
            plugins.addPlugins(Plugin.newBuilder().setId(plugin.pluginId).setSource(plugin.source)
                    .setStatus(plugin.status.name()).setStatusReason(nullToEmpty(plugin.statusReason))
                    .setBackboneCount(plugin.backboneCount).setSeenAt(Timestamps.of(plugin.seenAt)));
        }
        response.onNext(plugins.build());
        response.onCompleted();
    }

    static Backbone toProto(BackboneVersion row) {
        Backbone.Builder backbone = Backbone.newBuilder()
                .setName(row.name).setVersion(row.version).setFamily(nullToEmpty(row.family))
                .setPlugin(row.plugin).setStatus(BackboneStatus.valueOf(row.status.name()))
                .setStatusReason(nullToEmpty(row.statusReason)).setEnabled(row.enabled)
                .setFeatureDimension(row.featureDimension == null ? 0 : row.featureDimension)
                .setEngine(nullToEmpty(row.engine)).setSource(nullToEmpty(row.source))
                .setLicence(nullToEmpty(row.licence)).setWeights(nullToEmpty(row.weightsLocation))
                .setWeightsSha256(nullToEmpty(row.weightsSha256))
                .setRegisteredAt(Timestamps.of(row.registeredAt)).setUpdatedAt(Timestamps.of(row.updatedAt));
        if (row.trainingRunId != null) {
            backbone.setLineage(dev.chorus.proto.v1.Lineage.newBuilder().setParent(nullToEmpty(row.parentBackbone))
                    .setDataset(nullToEmpty(row.trainedOnDataset)).setRunId(row.trainingRunId)
                    .setHyperparameters(nullToEmpty(row.hyperparameters))
                    .setTestAccuracy(row.testAccuracy == null ? Double.NaN : row.testAccuracy));
        }
        if (row.inputHeight != null) {
            InputSpec.Builder input = InputSpec.newBuilder().setHeight(row.inputHeight).setWidth(row.inputWidth)
                    .setChannels(row.inputChannels);
            for (float mean : row.inputMean) {
                input.addMean(mean);
            }
            for (float std : row.inputStd) {
                input.addStd(std);
            }
            backbone.setInput(input);
        }
        return backbone.build();
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }
}

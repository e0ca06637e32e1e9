package dev.chorus.servingapi;

import dev.chorus.ensembles.EnsembleService;
import dev.chorus.ensembles.EnsembleVersion;
import dev.chorus.ensembles.PinnedMember;
import dev.chorus.proto.v1.ServedModel;
import dev.chorus.serving.EnsembleRuntime;

/** How a served ensemble is described on the wire. */
final class ServedModels {

    private ServedModels() {
    }

    static ServedModel describe(String ensemble, EnsembleService ensembles, EnsembleRuntime runtime) {
        int current = runtime.current(ensemble).orElseGet(() -> ensembles.version(ensemble, 0).version);
        EnsembleVersion version = ensembles.version(ensemble, current);
        ServedModel.Builder model = ServedModel.newBuilder().setEnsemble(ensemble).setCurrentVersion(current)
                .addAllLoadedVersions(runtime.loadedVersions(ensemble)).addAllClasses(java.util.List.of(version.classes))
                .addAllMembers(version.pinnedMembers().stream().map(PinnedMember::backbone).toList());
        return ClassifierGrpcService.batching(model, runtime.policy(ensemble)).build();
    }
}

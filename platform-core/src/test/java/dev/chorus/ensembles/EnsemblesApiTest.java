package dev.chorus.ensembles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.chorus.datasets.DatasetService;
import dev.chorus.proto.v1.CreateEnsembleRequest;
import dev.chorus.proto.v1.DeviceRequest;
import dev.chorus.proto.v1.EnsembleDefinition;
import dev.chorus.proto.v1.EnsembleVersion;
import dev.chorus.proto.v1.EnsemblesGrpc;
import dev.chorus.proto.v1.GetEnsembleRequest;
import dev.chorus.proto.v1.GetVersionRequest;
import dev.chorus.proto.v1.HeadSpec;
import dev.chorus.proto.v1.ListEnsemblesRequest;
import dev.chorus.proto.v1.ListVersionsRequest;
import dev.chorus.proto.v1.Run;
import dev.chorus.proto.v1.StartStackingRunRequest;
import dev.chorus.proto.v1.UpdateEnsembleRequest;
import dev.chorus.registry.BackboneRegistry;
import dev.chorus.registry.BackboneVersion;
import dev.chorus.training.RunState;
import dev.chorus.training.TrainingService;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;

/** The ensembles admin API over a real socket: compose, revise, refuse bad definitions, stack, read versions. */
@QuarkusTest
class EnsemblesApiTest {

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int port;
    @Inject
    DatasetService datasets;
    @Inject
    TrainingService training;
    @Inject
    BackboneRegistry registry;

    @org.junit.jupiter.api.AfterAll
    static void removeTheFixtureDataset() {
        dev.chorus.ensembles.StackingFixture.cleanUp();
    }

    ManagedChannel channel;
    EnsemblesGrpc.EnsemblesBlockingStub api;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        api = EnsemblesGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    EnsembleDefinition.Builder definition(String name) {
        return EnsembleDefinition.newBuilder().setName(name).setDescription("from the API")
                .addAllMembers(StackingFixture.members(datasets, training)).setDataset(StackingFixture.DATASET)
                .setHead(HeadSpec.newBuilder().setHiddenUnits(8).setEpochs(3).setLearningRate(0.01));
    }

    static Status.Code code(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
    }

    static String message(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus().getDescription();
    }

    @Test
    void createsAnEnsembleWithDefaultsAndTheDatasetsClasses() throws Exception {
        var created = api.createEnsemble(CreateEnsembleRequest.newBuilder().setDefinition(definition("api-create-" + StackingFixture.RUN)
                .clearHead()).build());
        assertEquals(1, created.getCurrentRevision());
        var stored = created.getRevisions(0).getDefinition();
        assertEquals(StackingFixture.CLASSES, stored.getClassesList());
        assertEquals(10, stored.getHead().getHiddenUnits(), "the seed's ten hidden units");
        assertEquals("relu", stored.getHead().getActivation());
        assertEquals(0, created.getVersionCount());
        assertTrue(api.listEnsembles(ListEnsemblesRequest.getDefaultInstance()).getEnsemblesList().stream()
                .anyMatch(e -> e.getName().equals("api-create-" + StackingFixture.RUN)));
        assertEquals(Status.Code.ALREADY_EXISTS, code(() -> api.createEnsemble(CreateEnsembleRequest.newBuilder()
                .setDefinition(definition("api-create-" + StackingFixture.RUN).clearHead()).build())));
    }

    @Test
    void editingMakesANewRevisionAndLeavesTheOldOneAsItWas() throws Exception {
        api.createEnsemble(CreateEnsembleRequest.newBuilder().setDefinition(definition("api-revise-" + StackingFixture.RUN)).build());
        List<String> members = StackingFixture.members(datasets, training);

        var unchanged = api.updateEnsemble(UpdateEnsembleRequest.newBuilder().setDefinition(definition("api-revise-" + StackingFixture.RUN))
                .setExpectedRevision(1).build());
        assertEquals(1, unchanged.getCurrentRevision(), "an unchanged definition is not a new revision");

        var revised = api.updateEnsemble(UpdateEnsembleRequest.newBuilder().setDefinition(definition("api-revise-" + StackingFixture.RUN)
                .clearMembers().addMembers(members.get(1))).setExpectedRevision(1).build());
        assertEquals(2, revised.getCurrentRevision());
        assertEquals(members, revised.getRevisions(0).getDefinition().getMembersList());
        assertEquals(List.of(members.get(1)), revised.getRevisions(1).getDefinition().getMembersList());

        String stale = message(() -> api.updateEnsemble(UpdateEnsembleRequest.newBuilder()
                .setDefinition(definition("api-revise-" + StackingFixture.RUN).setDescription("late edit")).setExpectedRevision(1).build()));
        assertTrue(stale.contains("is at revision 2, not 1"), stale);
    }

    @Test
    void anInvalidDefinitionIsRefusedWithEveryProblemNamed() throws Exception {
        String unavailable = registry.list(Optional.of(BackboneVersion.Status.UNAVAILABLE), Optional.empty()).stream()
                .findFirst().orElseThrow().key();
        String first = StackingFixture.members(datasets, training).getFirst();
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> api.createEnsemble(
                CreateEnsembleRequest.newBuilder().setDefinition(EnsembleDefinition.newBuilder().setName("api-bad-" + StackingFixture.RUN)
                        .addMembers("nope:1").addMembers(first).addMembers(first).addMembers("no-version")
                        .addMembers(unavailable).setDataset(StackingFixture.DATASET)
                        .addClasses("left").addClasses("circle")
                        .setHead(HeadSpec.newBuilder().setDropout(1.5f).setOptimizer("rmsprop").setActivation("swish")))
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
        String message = refused.getStatus().getDescription();
        for (String expected : List.of("'nope:1' is not in the backbone registry", "'" + first + "' is listed twice",
                "'no-version' must name an exact backbone version", "'" + unavailable + "' is UNAVAILABLE",
                "classes [circle] are not in dataset 'shapes'", "also has classes [right, top]",
                "dropout must be in [0, 1)", "optimizer must be adam or sgd", "activation must be one of")) {
            assertTrue(message.contains(expected), "missing '" + expected + "' in: " + message);
        }
        assertEquals(Status.Code.NOT_FOUND, code(() -> api.getEnsemble(GetEnsembleRequest.newBuilder()
                .setName("api-bad-" + StackingFixture.RUN).build())), "nothing was saved");

        String noDataset = message(() -> api.createEnsemble(CreateEnsembleRequest.newBuilder().setDefinition(
                definition("api-bad-" + StackingFixture.RUN).setDataset("missing")).build()));
        assertTrue(noDataset.contains("dataset 'missing' does not exist"), noDataset);
        String badName = message(() -> api.createEnsemble(CreateEnsembleRequest.newBuilder().setDefinition(
                definition("Bad Name!")).build()));
        assertTrue(badName.contains("name must match"), badName);
    }

    @Test
    void aStackingRunThroughTheApiYieldsAVersionWithItsEvaluation() throws Exception {
        api.createEnsemble(CreateEnsembleRequest.newBuilder().setDefinition(definition("api-stack-" + StackingFixture.RUN)).build());
        Run run = api.startStackingRun(StartStackingRunRequest.newBuilder().setEnsemble("api-stack-" + StackingFixture.RUN)
                .setDevice(DeviceRequest.DEVICE_REQUEST_CPU).build());
        assertEquals("stack-ensemble", run.getKind());
        assertEquals("1", run.getParametersOrThrow("revision"), "the current revision is pinned into the run");
        assertEquals(RunState.SUCCEEDED, StackingFixture.awaitEnd(training, run.getId()).state);

        EnsembleVersion version = api.getVersion(GetVersionRequest.newBuilder().setEnsemble("api-stack-" + StackingFixture.RUN).build());
        assertEquals(1, version.getVersion());
        assertTrue(version.getHeadVerified(), version.getHeadProblem());
        assertEquals(2, version.getEvaluation().getMembersCount());
        assertEquals(3, version.getEvaluation().getConfusionCount());
        assertEquals(3, version.getEvaluation().getPerClassCount());
        assertEquals(version.getTestAccuracy(), version.getEvaluation().getEnsemble().getAccuracy());
        assertFalse(version.getTraining().getFeaturesList().isEmpty());
        assertTrue(version.getTraining().getPhaseSecondsMap().containsKey("head"));
        assertEquals(1, api.listVersions(ListVersionsRequest.newBuilder().setEnsemble("api-stack-" + StackingFixture.RUN).build())
                .getVersionsCount());
        assertEquals(1, api.getEnsemble(GetEnsembleRequest.newBuilder().setName("api-stack-" + StackingFixture.RUN).build())
                .getLatestVersion());

        assertEquals(Status.Code.NOT_FOUND, code(() -> api.getVersion(GetVersionRequest.newBuilder()
                .setEnsemble("api-stack-" + StackingFixture.RUN).setVersion(9).build())));
        assertEquals(Status.Code.NOT_FOUND, code(() -> api.startStackingRun(StartStackingRunRequest.newBuilder()
                .setEnsemble("no-such-ensemble").build())));
        assertEquals(Status.Code.NOT_FOUND, code(() -> api.startStackingRun(StartStackingRunRequest.newBuilder()
                .setEnsemble("api-stack-" + StackingFixture.RUN).setRevision(7).build())));
    }
}

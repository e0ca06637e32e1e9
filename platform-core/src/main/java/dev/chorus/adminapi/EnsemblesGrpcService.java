package dev.chorus.adminapi;

import java.util.List;

import dev.chorus.ensembles.Ensemble;
import dev.chorus.ensembles.EnsembleDefinition;
import dev.chorus.ensembles.EnsembleRevision;
import dev.chorus.ensembles.EnsembleService;
import dev.chorus.ensembles.EnsembleVersion;
import dev.chorus.ensembles.Evaluation;
import dev.chorus.ensembles.HeadSpec;
import dev.chorus.ensembles.PinnedMember;
import dev.chorus.ensembles.TrainingSummary;
import dev.chorus.errors.ChorusException;
import dev.chorus.proto.v1.ClassScore;
import dev.chorus.proto.v1.ConfusionRow;
import dev.chorus.proto.v1.CreateEnsembleRequest;
import dev.chorus.proto.v1.EnsemblesGrpc;
import dev.chorus.proto.v1.FeatureSource;
import dev.chorus.proto.v1.GetEnsembleRequest;
import dev.chorus.proto.v1.GetVersionRequest;
import dev.chorus.proto.v1.ListEnsemblesRequest;
import dev.chorus.proto.v1.ListEnsemblesResponse;
import dev.chorus.proto.v1.ListVersionsRequest;
import dev.chorus.proto.v1.ListVersionsResponse;
import dev.chorus.proto.v1.MemberScore;
import dev.chorus.proto.v1.Revision;
import dev.chorus.proto.v1.Run;
import dev.chorus.proto.v1.Score;
import dev.chorus.proto.v1.StartStackingRunRequest;
import dev.chorus.proto.v1.UpdateEnsembleRequest;
import dev.chorus.training.TrainingService;
import dev.chorus.training.stacking.StackingRuns;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

/** Transport only: ensembles, stacking runs and versions on the chorus.v1 wire messages. */
@GrpcService
@Blocking
public class EnsemblesGrpcService extends EnsemblesGrpc.EnsemblesImplBase {

    private final EnsembleService ensembles;
    private final StackingRuns stacking;
    private final TrainingService training;

    EnsemblesGrpcService(EnsembleService ensembles, StackingRuns stacking, TrainingService training) {
        this.ensembles = ensembles;
        this.stacking = stacking;
        this.training = training;
    }

    @Override
    public void createEnsemble(CreateEnsembleRequest request, StreamObserver<dev.chorus.proto.v1.Ensemble> response) {
        ensembles.create(definition(request.getDefinition()));
        reply(response, ensemble(request.getDefinition().getName()));
    }

    @Override
    public void updateEnsemble(UpdateEnsembleRequest request, StreamObserver<dev.chorus.proto.v1.Ensemble> response) {
        ensembles.update(definition(request.getDefinition()), request.getExpectedRevision());
        reply(response, ensemble(request.getDefinition().getName()));
    }

    @Override
    public void listEnsembles(ListEnsemblesRequest request, StreamObserver<ListEnsemblesResponse> response) {
        ListEnsemblesResponse.Builder list = ListEnsemblesResponse.newBuilder();
        ensembles.list().forEach(e -> list.addEnsembles(ensemble(e.name)));
        reply(response, list.build());
    }

    @Override
    public void getEnsemble(GetEnsembleRequest request, StreamObserver<dev.chorus.proto.v1.Ensemble> response) {
        reply(response, ensemble(request.getName()));
    }

    @Override
    public void startStackingRun(StartStackingRunRequest request, StreamObserver<Run> response) {
        long id = stacking.start(request.getEnsemble(), request.getRevision(),
                RunsGrpcService.device(request.getDevice()), request.getPriority(),
                request.getMaxAttempts() == 0 ? 3 : request.getMaxAttempts());
        reply(response, RunsGrpcService.toProto(training.get(id)));
    }

    @Override
    public void listVersions(ListVersionsRequest request, StreamObserver<ListVersionsResponse> response) {
        ListVersionsResponse.Builder list = ListVersionsResponse.newBuilder();
        ensembles.versions(request.getEnsemble()).forEach(v -> list.addVersions(version(request.getEnsemble(), v, false)));
        reply(response, list.build());
    }

    @Override
    public void getVersion(GetVersionRequest request, StreamObserver<dev.chorus.proto.v1.EnsembleVersion> response) {
        EnsembleVersion found = ensembles.version(request.getEnsemble(), request.getVersion());
        dev.chorus.proto.v1.EnsembleVersion.Builder version = version(request.getEnsemble(), found, true).toBuilder();
        try {
            ensembles.verifiedHead(found);
            version.setHeadVerified(true);
        } catch (ChorusException corrupted) {
            version.setHeadProblem(corrupted.getMessage());
        }
        reply(response, version.build());
    }

    private dev.chorus.proto.v1.Ensemble ensemble(String name) {
        Ensemble ensemble = ensembles.get(name);
        List<EnsembleVersion> versions = ensembles.versions(name);
        dev.chorus.proto.v1.Ensemble.Builder built = dev.chorus.proto.v1.Ensemble.newBuilder().setName(ensemble.name)
                .setCurrentRevision(ensemble.currentRevision).setVersionCount(versions.size())
                .setCreatedAt(Timestamps.of(ensemble.createdAt)).setUpdatedAt(Timestamps.of(ensemble.updatedAt));
        for (EnsembleRevision revision : ensembles.revisions(name)) {
            built.addRevisions(Revision.newBuilder().setRevision(revision.revision)
                    .setDefinition(definition(revision.definition(name))).setCreatedAt(Timestamps.of(revision.createdAt)));
        }
        if (!versions.isEmpty()) {
            EnsembleVersion latest = versions.getLast();
            built.setLatestVersion(latest.version).setLatestTestAccuracy(latest.testAccuracy);
        }
        return built.build();
    }

    static EnsembleDefinition definition(dev.chorus.proto.v1.EnsembleDefinition wire) {
        return new EnsembleDefinition(wire.getName(), wire.getDescription(), wire.getMembersList(),
                wire.hasHead() ? head(wire.getHead()) : HeadSpec.DEFAULT, wire.getDataset(), wire.getClassesList());
    }

    static HeadSpec head(dev.chorus.proto.v1.HeadSpec wire) {
        HeadSpec d = HeadSpec.DEFAULT;
        return new HeadSpec(wire.getLinear() ? 0 : or(wire.getHiddenUnits(), d.hiddenUnits()),
                wire.getActivation().isEmpty() ? d.activation() : wire.getActivation(), wire.getDropout(),
                wire.getOptimizer().isEmpty() ? d.optimizer() : wire.getOptimizer(),
                wire.getLearningRate() == 0 ? d.learningRate() : wire.getLearningRate(),
                or(wire.getBatchSize(), d.batchSize()), or(wire.getEpochs(), d.epochs()),
                or(wire.getPatience(), d.patience()), wire.getSeed() == 0 ? d.seed() : wire.getSeed());
    }

    private static int or(int value, int fallback) {
        return value == 0 ? fallback : value;
    }

    static dev.chorus.proto.v1.EnsembleDefinition definition(EnsembleDefinition definition) {
        return dev.chorus.proto.v1.EnsembleDefinition.newBuilder().setName(definition.name())
                .setDescription(definition.description()).addAllMembers(definition.members())
                .setHead(head(definition.head())).setDataset(definition.dataset())
                .addAllClasses(definition.classes()).build();
    }

    static dev.chorus.proto.v1.HeadSpec head(HeadSpec spec) {
        return dev.chorus.proto.v1.HeadSpec.newBuilder().setHiddenUnits(spec.hiddenUnits())
                .setLinear(spec.hiddenUnits() == 0).setActivation(spec.activation()).setDropout((float) spec.dropout())
                .setOptimizer(spec.optimizer()).setLearningRate(spec.learningRate()).setBatchSize(spec.batchSize())
                .setEpochs(spec.epochs()).setPatience(spec.patience()).setSeed(spec.seed()).build();
    }

    static dev.chorus.proto.v1.EnsembleVersion version(String ensemble, EnsembleVersion v, boolean details) {
        Evaluation evaluation = v.evaluationReport();
        dev.chorus.proto.v1.EnsembleVersion.Builder built = dev.chorus.proto.v1.EnsembleVersion.newBuilder()
                .setEnsemble(ensemble).setVersion(v.version).setRevision(v.revision).setRunId(v.trainingRunId)
                .setHead(head(v.spec())).setDataset(v.dataset).addAllClasses(List.of(v.classes))
                .setHeadSha256(v.headSha256).setTestAccuracy(v.testAccuracy).setCreatedAt(Timestamps.of(v.createdAt));
        for (PinnedMember member : v.pinnedMembers()) {
            built.addMembers(dev.chorus.proto.v1.PinnedMember.newBuilder().setBackbone(member.backbone())
                    .setWeightsSha256(member.weightsSha256() == null ? "" : member.weightsSha256())
                    .setFeatureDimension(member.featureDimension()));
        }
        built.setEvaluation(evaluation(evaluation, details)).setTraining(training(v.trainingSummary()));
        return built.build();
    }

    private static dev.chorus.proto.v1.Evaluation evaluation(Evaluation e, boolean details) {
        dev.chorus.proto.v1.Evaluation.Builder built = dev.chorus.proto.v1.Evaluation.newBuilder().setSplit(e.split())
                .setSamples(e.samples()).setEnsemble(score(e.ensemble())).setAveraging(score(e.averaging()));
        e.members().forEach(m -> built.addMembers(MemberScore.newBuilder().setBackbone(m.backbone())
                .setScore(Score.newBuilder().setAccuracy(m.accuracy()).setLoss(m.loss()))));
        if (details) {
            e.perClass().forEach(c -> built.addPerClass(ClassScore.newBuilder().setClassName(c.className())
                    .setPrecision(c.precision()).setRecall(c.recall()).setSupport(c.support())));
            for (long[] row : e.confusion()) {
                ConfusionRow.Builder wire = ConfusionRow.newBuilder();
                for (long count : row) {
                    wire.addCounts(count);
                }
                built.addConfusion(wire);
            }
        }
        return built.build();
    }

    private static Score score(Evaluation.Score score) {
        return Score.newBuilder().setAccuracy(score.accuracy()).setLoss(score.loss()).build();
    }

    private static dev.chorus.proto.v1.TrainingSummary training(TrainingSummary t) {
        dev.chorus.proto.v1.TrainingSummary.Builder built = dev.chorus.proto.v1.TrainingSummary.newBuilder()
                .setEpochsRun(t.epochsRun()).setBestEpoch(t.bestEpoch()).setBestValidationLoss(t.bestValidationLoss())
                .setValidationAccuracy(t.validationAccuracy()).setInputDimension(t.inputDimension())
                .setHeadEpochSeconds(t.headEpochSeconds()).putAllPhaseSeconds(t.phaseSeconds());
        t.features().forEach(f -> built.addFeatures(FeatureSource.newBuilder().setBackbone(f.backbone())
                .setSplit(f.split()).setCached(f.cached()).setRows(f.rows()).setSeconds(f.seconds())));
        return built.build();
    }

    private static <T> void reply(StreamObserver<T> response, T value) {
        response.onNext(value);
        response.onCompleted();
    }
}

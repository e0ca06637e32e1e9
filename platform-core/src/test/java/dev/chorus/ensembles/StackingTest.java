package dev.chorus.ensembles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Arrays;
import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.chorus.datasets.DatasetService;
import dev.chorus.errors.IntegrityException;
import dev.chorus.training.DeviceRequest;
import dev.chorus.training.RunState;
import dev.chorus.training.TrainingRun;
import dev.chorus.training.TrainingService;
import dev.chorus.training.features.FeatureCache;
import dev.chorus.training.stacking.StackingRuns;
import io.quarkus.test.junit.QuarkusTest;

/** Stacking runs end to end on a small generated dataset: versions, evaluation, cache reuse, integrity. */
@QuarkusTest
class StackingTest {

    @Inject
    DatasetService datasets;
    @Inject
    TrainingService training;
    @Inject
    EnsembleService ensembles;
    @Inject
    StackingRuns stacking;
    @Inject
    FeatureCache cache;
    @Inject
    DataSource dataSource;

    @org.junit.jupiter.api.AfterAll
    static void removeTheFixtureDataset() {
        dev.chorus.ensembles.StackingFixture.cleanUp();
    }

    static final HeadSpec HEAD = new HeadSpec(16, "relu", 0.1, "adam", 0.01, 32, 8, 3, 42);

    EnsembleVersion stackToTheEnd(String ensemble) throws Exception {
        TrainingRun run = StackingFixture.awaitEnd(training, stacking.start(ensemble, 0, DeviceRequest.CPU, 0, 1));
        assertEquals(RunState.SUCCEEDED, run.state, run.error);
        return ensembles.versionTrainedBy(run.id).orElseThrow();
    }

    String create(String base) throws Exception {
        String name = base + "-" + StackingFixture.RUN;
        List<String> members = StackingFixture.members(datasets, training);
        ensembles.create(new EnsembleDefinition(name, "two builtins", members, HEAD, StackingFixture.DATASET, List.of()));
        return name;
    }

    @Test
    void aStackingRunProducesVersionOneWithTheComparisonTable() throws Exception {
        String name = create("stack-first");
        EnsembleVersion version = stackToTheEnd(name);

        assertEquals(1, version.version);
        assertEquals(1, version.revision);
        assertEquals(StackingFixture.CLASSES, List.of(version.classes));
        List<PinnedMember> members = version.pinnedMembers();
        assertEquals(StackingFixture.members(datasets, training), members.stream().map(PinnedMember::backbone).toList());
        assertEquals(64 + 128, version.trainingSummary().inputDimension());

        Evaluation evaluation = version.evaluationReport();
        assertEquals("test", evaluation.split());
        assertEquals(2, evaluation.members().size());
        assertEquals(3, evaluation.perClass().size());
        long counted = Arrays.stream(evaluation.confusion()).flatMapToLong(Arrays::stream).sum();
        assertEquals(evaluation.samples(), counted);
        long correct = 0;
        for (int c = 0; c < 3; c++) {
            correct += evaluation.confusion()[c][c];
        }
        assertEquals(correct / (double) counted, evaluation.ensemble().accuracy(), 1e-9);
        assertEquals(version.testAccuracy, evaluation.ensemble().accuracy());
        assertTrue(evaluation.ensemble().accuracy() > 0.6, "the halves are easy: " + evaluation.ensemble());
        assertTrue(Double.isFinite(evaluation.averaging().loss()));

        TrainingSummary summary = version.trainingSummary();
        assertTrue(summary.bestEpoch() >= 1 && summary.bestEpoch() <= summary.epochsRun());
        assertEquals(summary.epochsRun(), training.epochs(version.trainingRunId).size());
        assertEquals(6, summary.features().size(), "two members × three splits");
    }

    @Test
    void aSecondRunReusesTheCachedFeaturesAndMakesVersionTwo() throws Exception {
        String name = create("stack-twice");
        stackToTheEnd(name);
        long missesBefore = cache.stats().misses();

        EnsembleVersion second = stackToTheEnd(name);

        assertEquals(2, second.version);
        assertEquals(missesBefore, cache.stats().misses(), "nothing was extracted again");
        assertTrue(second.trainingSummary().features().stream().allMatch(TrainingSummary.FeatureSource::cached),
                second.training);
    }

    @Test
    void aVersionLoadsAsAHeadThatGivesProbabilitiesAndACorruptedHeadIsRefused() throws Exception {
        String name = create("stack-corrupt");
        EnsembleVersion version = stackToTheEnd(name);

        try (EnsembleHead head = ensembles.loadHead(version); NDManager manager = NDManager.newBaseManager()) {
            NDArray probabilities = head.probabilities(manager.randomNormal(new Shape(4, 64 + 128)));
            assertEquals(new Shape(4, 3), probabilities.getShape());
            assertEquals(4f, probabilities.sum().getFloat(), 1e-4);
            assertThrows(IllegalArgumentException.class, () -> head.probabilities(manager.zeros(new Shape(4, 10))));
        }

        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT lo_put(content_oid, 40, '\\x00ff00ff'::bytea) FROM artifact WHERE id = ?")) {
            s.setLong(1, version.headArtifactId);
            s.execute();
        }
        IntegrityException refused = assertThrows(IntegrityException.class, () -> ensembles.loadHead(version));
        assertTrue(refused.getMessage().contains("is corrupted: recorded sha256"), refused.getMessage());
    }

    @Test
    void versionsAndRevisionsCannotBeChangedEvenBySql() throws Exception {
        String name = create("stack-immutable");
        EnsembleVersion version = stackToTheEnd(name);
        for (String sql : List.of("UPDATE ensemble_version SET test_accuracy = 1 WHERE id = " + version.id,
                "DELETE FROM ensemble_version WHERE id = " + version.id,
                "UPDATE ensemble_revision SET members = '{}' WHERE ensemble_id = " + version.ensembleId)) {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
                java.sql.SQLException refused = assertThrows(java.sql.SQLException.class, s::executeUpdate);
                assertTrue(refused.getMessage().contains("rows are immutable"), refused.getMessage());
            }
        }
    }
}

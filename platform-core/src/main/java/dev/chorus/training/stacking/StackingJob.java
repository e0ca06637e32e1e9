package dev.chorus.training.stacking;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.chorus.artifacts.ArtifactRef;
import dev.chorus.artifacts.ArtifactStore;
import dev.chorus.datasets.Dataset;
import dev.chorus.datasets.DatasetService;
import dev.chorus.datasets.Split;
import dev.chorus.ensembles.EnsembleService;
import dev.chorus.ensembles.EnsembleService.TrainingPlan;
import dev.chorus.ensembles.EnsembleVersion;
import dev.chorus.ensembles.Evaluation;
import dev.chorus.ensembles.FeatureScaling;
import dev.chorus.ensembles.HeadArtifact;
import dev.chorus.ensembles.HeadSpec;
import dev.chorus.ensembles.PinnedMember;
import dev.chorus.ensembles.TrainingSummary;
import dev.chorus.ensembles.TrainingSummary.FeatureSource;
import dev.chorus.training.JobKind;
import dev.chorus.training.RunContext;
import dev.chorus.training.features.Features;

/**
 * The seeds' recipe: frozen members' pooled features (from the feature cache, extracted once),
 * concatenated and standardised, a small head trained on them with early stopping on the
 * validation split, then the comparison on the test split (ensemble, each member alone with a
 * linear head, averaging) and a new immutable ensemble version.
 *
 * <p>Parameters: ensemble, revision (0 or absent = current).
 */
@Singleton
public class StackingJob implements JobKind {

    public static final String NAME = "stack-ensemble";
    private static final Logger LOG = Logger.getLogger(StackingJob.class);

    private final EnsembleService ensembles;
    private final DatasetService datasets;
    private final ArtifactStore artifacts;
    private final MemberFeatures memberFeatures;

    StackingJob(EnsembleService ensembles, DatasetService datasets, ArtifactStore artifacts,
            MemberFeatures memberFeatures) {
        this.ensembles = ensembles;
        this.datasets = datasets;
        this.artifacts = artifacts;
        this.memberFeatures = memberFeatures;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(RunContext context) throws Exception {
        String name = context.parameters().get("ensemble");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("parameter 'ensemble' is required");
        }
        if (ensembles.versionTrainedBy(context.runId()).isPresent()) {
            LOG.infof("Run %d already produced its version of '%s' before a restart; nothing left to do",
                    context.runId(), name);
            return;
        }
        int revision = Integer.parseInt(context.parameters().getOrDefault("revision", "0"));
        TrainingPlan plan = ensembles.planTraining(name, revision);
        Map<String, Double> phases = new LinkedHashMap<>();
        Dataset dataset = datasets.get(plan.definition().dataset());

        long started = System.nanoTime();
        List<FeatureSource> sources = new ArrayList<>();
        List<Map<Split, Features>> perMember = new ArrayList<>();
        for (PinnedMember member : plan.members()) {
            perMember.add(memberFeatures.load(context, member, dataset, sources));
        }
        phases.put("features", seconds(started));

        EnumMap<Split, Features> stacked = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            stacked.put(split, Features.concatenate(perMember.stream().map(m -> m.get(split)).toList()));
        }
        FeatureScaling scaling = standardise(stacked);
        int classes = plan.definition().classes().size();
        HeadSpec spec = plan.definition().head();

        started = System.nanoTime();
        context.progress("train head", 0, null, 0.0, null);
        try (HeadTraining head = HeadTraining.train(spec, classes, stacked.get(Split.TRAIN),
                stacked.get(Split.VALIDATION), new HeadListener(context, spec.epochs()))) {
            phases.put("head", seconds(started));

            started = System.nanoTime();
            context.progress("evaluate members", head.epochsRun(), null, 1.0, null);
            List<float[]> memberProbabilities = new ArrayList<>();
            List<Evaluation.MemberScore> memberScores = new ArrayList<>();
            Features test = stacked.get(Split.TEST);
            for (int m = 0; m < plan.members().size(); m++) {
                float[] probabilities = memberAlone(context, spec, classes, perMember.get(m));
                memberProbabilities.add(probabilities);
                Evaluation.Score score = Scores.score(probabilities, test.labels(), classes);
                memberScores.add(new Evaluation.MemberScore(plan.members().get(m).backbone(), score.accuracy(),
                        score.loss()));
            }
            float[] ensembleProbabilities = head.probabilities(test);
            long[][] confusion = Scores.confusion(ensembleProbabilities, test.labels(), classes);
            Evaluation evaluation = new Evaluation("test", test.rows(),
                    Scores.score(ensembleProbabilities, test.labels(), classes), memberScores,
                    Scores.score(Scores.average(memberProbabilities), test.labels(), classes),
                    Scores.perClass(confusion, plan.definition().classes()), confusion);
            phases.put("evaluate", seconds(started));

            context.progress("register", head.epochsRun(), null, 1.0, 0.0);
            byte[] bytes = HeadArtifact.write(new HeadArtifact.Manifest(plan.members(), plan.definition().classes(), spec,
                    scaling.dimension()), scaling, head.block());
            ArtifactRef ref = artifacts.put("ensemble-head", name + " run " + context.runId(),
                    new ByteArrayInputStream(bytes));
            TrainingSummary summary = new TrainingSummary(head.epochsRun(), head.bestEpoch(), head.bestValidationLoss(),
                    head.bestValidationAccuracy(), scaling.dimension(), head.meanEpochSeconds(), sources, phases);
            EnsembleVersion version = ensembles.register(new EnsembleService.NewVersion(name, plan.revision(),
                    context.runId(), ref, plan.members(), spec, plan.definition().dataset(),
                    plan.definition().classes(), evaluation, summary));
            context.progress("version " + version.version, head.epochsRun(), null, 1.0, 0.0);
        }
    }

    /** Fits the scaling on the training split and applies it to every split. */
    private static FeatureScaling standardise(Map<Split, Features> features) {
        Features train = features.get(Split.TRAIN);
        FeatureScaling scaling = FeatureScaling.fit(train.values(), train.rows(), train.dimension());
        features.values().forEach(f -> scaling.applyInPlace(f.values()));
        return scaling;
    }

    /** A member alone: a linear head on its own standardised features; test probabilities. */
    private static float[] memberAlone(RunContext context, HeadSpec spec, int classes, Map<Split, Features> features)
            throws Exception {
        Map<Split, Features> own = new EnumMap<>(Split.class);
        features.forEach((split, f) -> own.put(split, new Features(f.labels(), f.values().clone(), f.dimension())));
        standardise(own);
        HeadSpec linear = spec.linear();
        try (HeadTraining head = HeadTraining.train(linear, classes, own.get(Split.TRAIN), own.get(Split.VALIDATION),
                new HeadTraining.Listener() {
                    @Override
                    public void epochDone(dev.chorus.training.EpochMetrics metrics) throws Exception {
                        context.checkCancelled();
                    }

                    @Override
                    public void step() throws Exception {
                        context.checkCancelled();
                    }
                })) {
            return head.probabilities(own.get(Split.TEST));
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** Records each head epoch on the run and checks for cancel at every step. */
    private record HeadListener(RunContext context, int epochs) implements HeadTraining.Listener {
        @Override
        public void epochDone(dev.chorus.training.EpochMetrics metrics) throws Exception {
            context.recordEpoch(metrics);
            context.progress("train head", metrics.epoch(), null, metrics.epoch() / (double) epochs,
                    metrics.seconds() * (epochs - metrics.epoch()));
        }

        @Override
        public void step() throws Exception {
            context.checkCancelled();
        }
    }
}

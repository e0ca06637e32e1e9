package dev.chorus.training.backbones;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import jakarta.inject.Singleton;

import com.google.gson.Gson;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.Tracker;
import dev.chorus.artifacts.ArtifactRef;
import dev.chorus.artifacts.ArtifactStore;
import dev.chorus.datasets.Augmentation;
import dev.chorus.datasets.DatasetService;
import dev.chorus.datasets.ImageSplitDataset;
import dev.chorus.datasets.Preprocessor;
import dev.chorus.datasets.Split;
import dev.chorus.datasets.SplitImages;
import dev.chorus.plugins.builtincnn.Architecture;
import dev.chorus.plugins.builtincnn.BuiltinCnnPlugin;
import dev.chorus.registry.BackboneRegistry;
import dev.chorus.registry.TrainedBackbones;
import dev.chorus.training.EpochMetrics;
import dev.chorus.training.JobKind;
import dev.chorus.training.RunContext;

/**
 * Pretrains a builtin architecture end to end on a registered dataset, with a temporary
 * classifier head, augmentation, Adam or SGD, a constant or cosine learning rate, and early
 * stopping on validation accuracy. The best epoch's backbone becomes a new backbone version:
 * weights in the artifact store, lineage and test accuracy in the registry.
 *
 * <p>Parameters: architecture (resnet-mini | mobilenet-mini | vgg-mini), dataset, epochs (10),
 * batch_size (64), learning_rate (0.001), optimizer (adam | sgd), schedule (constant | cosine),
 * patience (3), augment (true), seed (42).
 */
@Singleton
public class PretrainBackboneJob implements JobKind {

    public static final String NAME = "pretrain-backbone";
    private static final Gson GSON = new Gson();

    protected final DatasetService datasets;
    protected final ArtifactStore artifacts;
    protected final TrainedBackbones trained;
    protected final BackboneRegistry registry;

    PretrainBackboneJob(DatasetService datasets, ArtifactStore artifacts, TrainedBackbones trained,
            BackboneRegistry registry) {
        this.datasets = datasets;
        this.artifacts = artifacts;
        this.trained = trained;
        this.registry = registry;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The network to train: the backbone (saved at the end) inside a trainable net with a new head. */
    protected record Network(Block backbone, Block trainable, String parent, AutoCloseable resources) {
    }

    protected Settings settings(RunContext context) {
        return Settings.of(context.parameters());
    }

    protected Network network(Settings settings, int classes, Path work) throws Exception {
        Block backbone = settings.architecture().build();
        return new Network(backbone, new SequentialBlock().add(backbone).add(Linear.builder().setUnits(classes).build()),
                null, () -> { });
    }

    @Override
    public void run(RunContext context) throws Exception {
        Settings settings = settings(context);
        var dataset = datasets.get(settings.dataset());
        int classes = dataset.classes.length;
        Preprocessor preprocessor = new Preprocessor(BuiltinCnnPlugin.INPUT);
        SplitImages trainImages = datasets.open(settings.dataset(), Split.TRAIN);
        SplitImages validationImages = datasets.open(settings.dataset(), Split.VALIDATION);
        SplitImages testImages = datasets.open(settings.dataset(), Split.TEST);
        ImageSplitDataset train = ImageSplitDataset.builder(trainImages, preprocessor)
                .augment(settings.augment() ? new Augmentation(true, 10, 0.1, 0.1) : Augmentation.NONE, settings.seed())
                .setSampling(settings.batchSize(), true).build();

        Engine.getInstance().setRandomSeed((int) settings.seed());
        Path work = Files.createTempDirectory("chorus-pretrain-" + context.runId());
        try {
            Network network = network(settings, classes, work);
            try (AutoCloseable resources = network.resources();
                    Model model = Model.newInstance("train-" + context.runId())) {
                model.setBlock(network.trainable());
                long stepsPerEpoch = (trainImages.size() + settings.batchSize() - 1) / settings.batchSize();
                try (Trainer trainer = model.newTrainer(config(settings, stepsPerEpoch))) {
                    trainer.initialize(new Shape(settings.batchSize(), 1, 28, 28));
                    int best = trainEpochs(context, settings, trainer, train, validationImages, preprocessor,
                            stepsPerEpoch, work);
                    model.load(work, "best");
                    SplitImages held = testImages.size() > 0 ? testImages : validationImages;
                    double testAccuracy = evaluate(trainer, held, preprocessor, settings.batchSize())[1];
                    context.progress("register", best, null, 1.0, 0.0);
                    register(context, settings, network, work, testAccuracy);
                }
            }
        } finally {
            deleteQuietly(work);
        }
    }

    private static DefaultTrainingConfig config(Settings settings, long stepsPerEpoch) {
        Tracker rate = settings.schedule().equals("cosine")
                ? CosineTracker.builder().setBaseValue(settings.learningRate())
                        .optFinalValue(settings.learningRate() / 100)
                        .setMaxUpdates((int) (stepsPerEpoch * settings.epochs())).build()
                : Tracker.fixed(settings.learningRate());
        Optimizer optimizer = settings.optimizer().equals("sgd")
                ? Optimizer.sgd().setLearningRateTracker(rate).optMomentum(0.9f).build()
                : Optimizer.adam().optLearningRateTracker(rate).build();
        return new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(optimizer);
    }

    /** Returns the best epoch; its parameters are saved in {@code work} as "best". */
    private int trainEpochs(RunContext context, Settings settings, Trainer trainer, ImageSplitDataset train,
            SplitImages validation, Preprocessor preprocessor, long stepsPerEpoch, Path work) throws Exception {
        double bestAccuracy = -1;
        int best = 0;
        long started = System.nanoTime();
        for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
            train.setEpoch(epoch);
            long epochStart = System.nanoTime();
            double lossSum = 0;
            long correct = 0;
            long seen = 0;
            long step = 0;
            for (Batch batch : trainer.iterateDataset(train)) {
                try (batch) {
                    context.checkCancelled();
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDArray logits = trainer.forward(batch.getData()).singletonOrThrow();
                        NDArray loss = trainer.getLoss().evaluate(batch.getLabels(), new NDList(logits));
                        float value = loss.getFloat();
                        if (!Float.isFinite(value)) {
                            throw new IllegalStateException("the loss became " + value + " in epoch " + epoch
                                    + " step " + (step + 1) + "; lower the learning rate (was "
                                    + settings.learningRate() + ")");
                        }
                        collector.backward(loss);
                        lossSum += value;
                        correct += countCorrect(logits, batch.getLabels().head());
                        seen += batch.getSize();
                    }
                    trainer.step();
                    step++;
                    long done = (epoch - 1) * stepsPerEpoch + step;
                    double fraction = done / (double) (stepsPerEpoch * settings.epochs());
                    double elapsed = (System.nanoTime() - started) / 1e9;
                    context.progress("train", epoch, done, fraction, elapsed / fraction - elapsed);
                }
            }
            double seconds = (System.nanoTime() - epochStart) / 1e9;
            double[] validationResult = evaluate(trainer, validation, preprocessor, settings.batchSize());
            context.recordEpoch(new EpochMetrics(epoch, lossSum / Math.max(1, step), correct / (double) seen,
                    validationResult[0], validationResult[1], seconds, seen / seconds));
            if (validationResult[1] > bestAccuracy) {
                bestAccuracy = validationResult[1];
                best = epoch;
                trainer.getModel().save(work, "best");
            } else if (epoch - best >= settings.patience()) {
                context.progress("early-stopped", epoch, null, 1.0, 0.0);
                break;
            }
        }
        return best;
    }

    /** Loss and accuracy in inference mode (BatchNorm on its running statistics). */
    private static double[] evaluate(Trainer trainer, SplitImages images, Preprocessor preprocessor, int batchSize)
            throws Exception {
        if (images.size() == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        ImageSplitDataset dataset = ImageSplitDataset.builder(images, preprocessor).setSampling(batchSize, false)
                .build();
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        for (Batch batch : dataset.getData(trainer.getManager())) {
            try (batch) {
                NDArray logits = trainer.getModel().getBlock().forward(new ParameterStore(batch.getManager(), false),
                        batch.getData(), false).singletonOrThrow();
                lossSum += trainer.getLoss().evaluate(batch.getLabels(), new NDList(logits)).getFloat()
                        * batch.getSize();
                correct += countCorrect(logits, batch.getLabels().head());
                seen += batch.getSize();
            }
        }
        return new double[] {lossSum / seen, correct / (double) seen};
    }

    private static long countCorrect(NDArray logits, NDArray labels) {
        return logits.argMax(1).toType(labels.getDataType(), false).eq(labels).sum().getLong();
    }

    private void register(RunContext context, Settings settings, Network network, Path work, double testAccuracy)
            throws Exception {
        try (Model backboneOnly = Model.newInstance(settings.architecture().backboneName())) {
            // A backbone whose weights were loaded (fine-tuning) has no recorded input shape yet;
            // initialising sets it and leaves every existing parameter as it is.
            network.backbone().initialize(backboneOnly.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32,
                    new Shape(1, 1, 28, 28));
            backboneOnly.setBlock(network.backbone());
            backboneOnly.save(work, "backbone");
        }
        ArtifactRef ref;
        try (InputStream weights = Files.newInputStream(work.resolve("backbone-0000.params"))) {
            String version = trained.nextVersion(settings.architecture());
            ref = artifacts.put("backbone-weights", settings.architecture().backboneName() + ":" + version, weights);
            trained.register(settings.architecture(), version, ref.id(), ref.sha256(), new TrainedBackbones.Lineage(
                    network.parent(), settings.dataset(), context.runId(), GSON.toJson(new TreeMap<>(context.parameters())),
                    testAccuracy));
        }
        registry.synchronize();
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (Exception ignored) {
            // a temporary directory
        }
    }

    /** The run's parameters, checked. */
    protected record Settings(Architecture architecture, String dataset, int epochs, int batchSize, float learningRate,
            String optimizer, String schedule, int patience, boolean augment, long seed, String parentKey,
            int trainableBlocks) {

        static Settings of(Map<String, String> p) {
            return of(p, "0.001");
        }

        static Settings of(Map<String, String> p, String defaultLearningRate) {
            String architecture = required(p, "architecture");
            String optimizer = p.getOrDefault("optimizer", "adam");
            String schedule = p.getOrDefault("schedule", "constant");
            if (!optimizer.equals("adam") && !optimizer.equals("sgd")) {
                throw new IllegalArgumentException("optimizer must be adam or sgd, was '" + optimizer + "'");
            }
            if (!schedule.equals("constant") && !schedule.equals("cosine")) {
                throw new IllegalArgumentException("schedule must be constant or cosine, was '" + schedule + "'");
            }
            float learningRate = Float.parseFloat(p.getOrDefault("learning_rate", defaultLearningRate));
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("learning_rate must be positive, was " + learningRate);
            }
            return new Settings(Architecture.named(architecture), required(p, "dataset"), positive(p, "epochs", 10),
                    positive(p, "batch_size", 64), learningRate, optimizer, schedule, positive(p, "patience", 3),
                    Boolean.parseBoolean(p.getOrDefault("augment", "true")), Long.parseLong(p.getOrDefault("seed", "42")),
                    p.get("parent"), positive(p, "trainable_blocks", 1));
        }

        static String required(Map<String, String> p, String key) {
            String value = p.get(key);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("parameter '" + key + "' is required");
            }
            return value;
        }

        static int positive(Map<String, String> p, String key, int fallback) {
            int value = Integer.parseInt(p.getOrDefault(key, Integer.toString(fallback)));
            if (value < 1) {
                throw new IllegalArgumentException("parameter '" + key + "' must be positive, was " + value);
            }
            return value;
        }
    }
}

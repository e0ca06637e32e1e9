package dev.chorus.plugins.builtincnn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * Trains a builtin architecture for a few steps on generated images (bright left half vs bright
 * right half) with a temporary classifier head, then saves the backbone's parameters alone, as
 * Chorus's backbone training will. Enough for BatchNorm's running statistics to be non-trivial.
 */
final class TinyWeights {

    private static final int BATCH = 16;

    private TinyWeights() {
    }

    static Path train(Architecture architecture, Path pluginWeights, int steps, long seed) throws IOException {
        Engine.getInstance().setRandomSeed((int) seed);
        Path file = BuiltinCnnPlugin.paramsFile(pluginWeights, architecture, BuiltinCnnPlugin.VERSION);
        Files.createDirectories(file.getParent());
        Block backbone = architecture.build();
        try (Model model = Model.newInstance("tiny-" + architecture.backboneName())) {
            model.setBlock(new SequentialBlock().add(backbone).add(Linear.builder().setUnits(2).build()));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(BATCH, 1, 28, 28));
                Random random = new Random(seed);
                for (int step = 0; step < steps; step++) {
                    trainStep(trainer, random);
                }
            }
            try (Model backboneOnly = Model.newInstance(architecture.backboneName())) {
                backboneOnly.setBlock(backbone);
                backboneOnly.save(file.getParent(), architecture.backboneName());
            }
        }
        return file;
    }

    private static void trainStep(Trainer trainer, Random random) {
        try (NDManager batchManager = trainer.getManager().newSubManager()) {
            float[] pixels = new float[BATCH * 28 * 28];
            float[] labels = new float[BATCH];
            for (int i = 0; i < BATCH; i++) {
                int label = random.nextInt(2);
                labels[i] = label;
                for (int p = 0; p < 28 * 28; p++) {
                    boolean bright = (p % 28 < 14) == (label == 0);
                    pixels[i * 28 * 28 + p] = (bright ? 0.8f : 0.1f) + 0.1f * random.nextFloat();
                }
            }
            NDArray x = batchManager.create(pixels, new Shape(BATCH, 1, 28, 28));
            NDArray y = batchManager.create(labels);
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                collector.backward(trainer.getLoss().evaluate(new NDList(y), new NDList(logits)));
            }
            trainer.step();
        }
    }
}

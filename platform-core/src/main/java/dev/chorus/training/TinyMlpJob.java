package dev.chorus.training;

import java.util.Random;

import jakarta.enterprise.context.ApplicationScoped;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * A real but small training job that proves the scheduler: a two-layer perceptron learns to
 * separate two seeded Gaussian clouds with DJL. Parameters: {@code epochs} (default 3),
 * {@code steps} per epoch (default 50), {@code seed}. Its first phase (making the data) is
 * checkpointed, so a retried attempt resumes with training.
 */
@ApplicationScoped
public class TinyMlpJob implements JobKind {

    public static final String NAME = "tiny-mlp";
    private static final int FEATURES = 8;
    private static final int BATCH = 32;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(RunContext context) throws Exception {
        int epochs = intParameter(context, "epochs", 3);
        int steps = intParameter(context, "steps", 50);
        long seed = Long.parseLong(context.parameters().getOrDefault("seed", "7"));
        if (context.checkpoint().isEmpty()) {
            context.progress("generate-data", null, null, 0.0, null);
            context.saveCheckpoint("data-generated");
        }
        Engine.getInstance().setRandomSeed((int) seed);
        try (Model model = Model.newInstance("tiny-mlp-" + context.runId())) {
            model.setBlock(new SequentialBlock().add(Linear.builder().setUnits(16).build())
                    .add(Activation.reluBlock()).add(Linear.builder().setUnits(2).build()));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(BATCH, FEATURES));
                Random data = new Random(seed);
                long started = System.nanoTime();
                for (int epoch = 1; epoch <= epochs; epoch++) {
                    long epochStart = System.nanoTime();
                    double lossSum = 0;
                    int correct = 0;
                    for (int step = 1; step <= steps; step++) {
                        context.checkCancelled();
                        float[] stepResult = trainStep(trainer, data);
                        lossSum += stepResult[0];
                        correct += (int) stepResult[1];
                        long done = (long) (epoch - 1) * steps + step;
                        double fraction = done / (double) (epochs * steps);
                        double elapsed = (System.nanoTime() - started) / 1e9;
                        if (step % 10 == 0 || step == steps) {
                            context.progress("train", epoch, done, fraction, elapsed / fraction - elapsed);
                        }
                    }
                    double seconds = (System.nanoTime() - epochStart) / 1e9;
                    float[] validation = evaluate(trainer, new Random(seed + 1_000 + epoch));
                    context.recordEpoch(new EpochMetrics(epoch, lossSum / steps, correct / (double) (steps * BATCH),
                            validation[0], validation[1], seconds, steps * BATCH / seconds));
                }
            }
        }
    }

    private static float[] trainStep(Trainer trainer, Random data) {
        try (NDManager batch = trainer.getManager().newSubManager()) {
            NDList[] xy = batch(batch, data);
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray logits = trainer.forward(xy[0]).singletonOrThrow();
                NDArray loss = trainer.getLoss().evaluate(xy[1], new NDList(logits));
                if (Float.isNaN(loss.getFloat())) {
                    throw new IllegalStateException("the loss became NaN");
                }
                collector.backward(loss);
                trainer.step();
                return new float[] {loss.getFloat(), correct(logits, xy[1].singletonOrThrow())};
            }
        }
    }

    private static float[] evaluate(Trainer trainer, Random data) {
        try (NDManager batch = trainer.getManager().newSubManager()) {
            NDList[] xy = batch(batch, data);
            NDArray logits = trainer.getModel().getBlock().forward(new ParameterStore(batch, false), xy[0], false)
                    .singletonOrThrow();
            float loss = trainer.getLoss().evaluate(xy[1], new NDList(logits)).getFloat();
            return new float[] {loss, correct(logits, xy[1].singletonOrThrow()) / BATCH};
        }
    }

    private static float correct(NDArray logits, NDArray labels) {
        return logits.argMax(1).toType(labels.getDataType(), false).eq(labels).sum().getLong();
    }

    private static NDList[] batch(NDManager manager, Random data) {
        float[] x = new float[BATCH * FEATURES];
        float[] y = new float[BATCH];
        for (int i = 0; i < BATCH; i++) {
            int label = data.nextInt(2);
            y[i] = label;
            for (int f = 0; f < FEATURES; f++) {
                x[i * FEATURES + f] = (float) data.nextGaussian() + (label == 0 ? -1f : 1f);
            }
        }
        return new NDList[] {new NDList(manager.create(x, new Shape(BATCH, FEATURES))),
                new NDList(manager.create(y))};
    }

    private static int intParameter(RunContext context, String name, int fallback) {
        String value = context.parameters().get(name);
        try {
            int parsed = value == null ? fallback : Integer.parseInt(value);
            if (parsed < 1) {
                throw new IllegalArgumentException(name + " must be positive, was " + parsed);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameter " + name + " must be a whole number, was '" + value + "'");
        }
    }
}

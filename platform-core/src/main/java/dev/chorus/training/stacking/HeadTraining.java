package dev.chorus.training.stacking;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Random;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.chorus.ensembles.HeadNetwork;
import dev.chorus.ensembles.HeadSpec;
import dev.chorus.engine.OperatorThreads;
import dev.chorus.training.EpochMetrics;
import dev.chorus.training.features.Features;

/**
 * Trains a head on (standardised) cached features: seeded shuffles, mini-batches, early stopping
 * on the validation loss with the best epoch's parameters kept. Owns the trained network's
 * native memory until closed.
 */
final class HeadTraining implements AutoCloseable {

    /** Hears about each epoch; throws to stop (cancel). */
    interface Listener {
        void epochDone(EpochMetrics metrics) throws Exception;

        default void step() throws Exception {
        }
    }

    private static final int EVALUATION_BATCH = 4096;

    private final Model model;
    private final Block block;
    private final int classes;
    private int epochsRun;
    private int bestEpoch;
    private double bestValidationLoss = Double.POSITIVE_INFINITY;
    private double bestValidationAccuracy = Double.NaN;
    private double epochSecondsSum;

    private HeadTraining(HeadSpec spec, int classes) {
        this.classes = classes;
        this.block = HeadNetwork.build(spec, classes);
        this.model = Model.newInstance("head");
        model.setBlock(block);
    }

    static HeadTraining train(HeadSpec spec, int classes, Features train, Features validation, Listener listener)
            throws Exception {
        HeadTraining training = new HeadTraining(spec, classes);
        // a head's matrices are too small to share between cores: a team costs more than it gives
        try (OperatorThreads.Restore single = OperatorThreads.singleThreadedUntilClosed()) {
            training.run(spec, train, validation, listener);
            return training;
        } catch (Exception | Error e) {
            training.close();
            throw e;
        }
    }

    private void run(HeadSpec spec, Features train, Features validation, Listener listener) throws Exception {
        Engine.getInstance().setRandomSeed((int) spec.seed());
        Tracker rate = Tracker.fixed((float) spec.learningRate());
        Optimizer optimizer = spec.optimizer().equals("sgd")
                ? Optimizer.sgd().setLearningRateTracker(rate).optMomentum(0.9f).build()
                : Optimizer.adam().optLearningRateTracker(rate).build();
        byte[] best = null;
        try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(optimizer))) {
            trainer.initialize(new Shape(spec.batchSize(), train.dimension()));
            Random shuffle = new Random(spec.seed());
            for (int epoch = 1; epoch <= spec.epochs(); epoch++) {
                long started = System.nanoTime();
                double[] trained = epoch(trainer, train, spec.batchSize(), permutation(train.rows(), shuffle), listener);
                double seconds = (System.nanoTime() - started) / 1e9;
                double[] checked = Scores.lossAndAccuracy(probabilities(validation), validation.labels(), classes);
                epochsRun = epoch;
                epochSecondsSum += seconds;
                listener.epochDone(new EpochMetrics(epoch, trained[0], trained[1], checked[0], checked[1], seconds,
                        train.rows() / seconds));
                if (!Double.isFinite(trained[0])) {
                    throw new IllegalStateException("the head's loss became " + trained[0] + " in epoch " + epoch
                            + "; lower the head learning rate (was " + spec.learningRate() + ")");
                }
                if (checked[0] < bestValidationLoss) {
                    bestValidationLoss = checked[0];
                    bestValidationAccuracy = checked[1];
                    bestEpoch = epoch;
                    best = parameters();
                } else if (epoch - bestEpoch >= spec.patience()) {
                    break;
                }
            }
        }
        if (best != null) {
            block.loadParameters(model.getNDManager(), new DataInputStream(new ByteArrayInputStream(best)));
        }
    }

    /** One pass over the shuffled rows; returns mean loss and accuracy while training. */
    private double[] epoch(Trainer trainer, Features train, int batchSize, int[] order, Listener listener)
            throws Exception {
        int dimension = train.dimension();
        double lossSum = 0;
        long correct = 0;
        float[] x = new float[batchSize * dimension];
        float[] y = new float[batchSize];
        for (int start = 0; start < order.length; start += batchSize) {
            listener.step();
            int size = Math.min(batchSize, order.length - start);
            for (int i = 0; i < size; i++) {
                int row = order[start + i];
                System.arraycopy(train.values(), row * dimension, x, i * dimension, dimension);
                y[i] = train.labels()[row];
            }
            try (NDManager batch = model.getNDManager().newSubManager();
                    GradientCollector collector = trainer.newGradientCollector()) {
                NDArray features = batch.create(java.util.Arrays.copyOf(x, size * dimension), new Shape(size, dimension));
                NDArray labels = batch.create(java.util.Arrays.copyOf(y, size));
                NDArray logits = trainer.forward(new NDList(features)).singletonOrThrow();
                NDArray loss = trainer.getLoss().evaluate(new NDList(labels), new NDList(logits));
                collector.backward(loss);
                lossSum += loss.getFloat() * size;
                correct += logits.argMax(1).toType(labels.getDataType(), false).eq(labels).sum().getLong();
            }
            trainer.step();
        }
        return new double[] {lossSum / order.length, correct / (double) order.length};
    }

    /** Class probabilities (rows × classes, row-major) in inference mode. */
    float[] probabilities(Features features) {
        int dimension = features.dimension();
        float[] out = new float[features.rows() * classes];
        for (int start = 0; start < features.rows(); start += EVALUATION_BATCH) {
            int size = Math.min(EVALUATION_BATCH, features.rows() - start);
            try (NDManager batch = model.getNDManager().newSubManager()) {
                float[] slice = java.util.Arrays.copyOfRange(features.values(), start * dimension,
                        (start + size) * dimension);
                NDArray x = batch.create(slice, new Shape(size, dimension));
                NDArray logits = block.forward(new ParameterStore(batch, false), new NDList(x), false)
                        .singletonOrThrow();
                System.arraycopy(logits.softmax(1).toFloatArray(), 0, out, start * classes, size * classes);
            }
        }
        return out;
    }

    private byte[] parameters() throws java.io.IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            block.saveParameters(out);
        }
        return bytes.toByteArray();
    }

    private static int[] permutation(int rows, Random random) {
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        for (int i = rows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    Block block() {
        return block;
    }

    int epochsRun() {
        return epochsRun;
    }

    int bestEpoch() {
        return bestEpoch;
    }

    double bestValidationLoss() {
        return bestValidationLoss;
    }

    double bestValidationAccuracy() {
        return bestValidationAccuracy;
    }

    double meanEpochSeconds() {
        return epochsRun == 0 ? Double.NaN : epochSecondsSum / epochsRun;
    }

    @Override
    public void close() {
        model.close();
    }
}

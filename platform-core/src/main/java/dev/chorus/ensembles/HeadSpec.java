package dev.chorus.ensembles;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The small network trained over the members' concatenated pooled features and how it is
 * trained: Dense(hiddenUnits, activation) → Dropout → Dense(classes); {@code hiddenUnits = 0}
 * makes it a linear (softmax-regression) head. Early stopping watches the validation loss.
 */
public record HeadSpec(int hiddenUnits, String activation, double dropout, String optimizer, double learningRate,
        int batchSize, int epochs, int patience, long seed) {

    /** As in the seed recipe: ten hidden units. */
    public static final HeadSpec DEFAULT = new HeadSpec(10, "relu", 0.0, "adam", 0.001, 64, 30, 3, 42);

    public static final Set<String> ACTIVATIONS = Set.of("relu", "tanh", "sigmoid", "gelu");
    public static final Set<String> OPTIMIZERS = Set.of("adam", "sgd");

    /** Every problem with this spec, as sentences; empty when it is valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (hiddenUnits < 0 || hiddenUnits > 8192) {
            problems.add("head hidden_units must be 0-8192 (0 = linear head), was " + hiddenUnits);
        }
        if (!ACTIVATIONS.contains(activation)) {
            problems.add("head activation must be one of " + new java.util.TreeSet<>(ACTIVATIONS) + ", was '"
                    + activation + "'");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            problems.add("head dropout must be in [0, 1), was " + dropout);
        }
        if (!OPTIMIZERS.contains(optimizer)) {
            problems.add("head optimizer must be adam or sgd, was '" + optimizer + "'");
        }
        if (!(learningRate > 0 && learningRate <= 10)) {
            problems.add("head learning_rate must be in (0, 10], was " + learningRate);
        }
        if (batchSize < 1 || batchSize > 65536) {
            problems.add("head batch_size must be 1-65536, was " + batchSize);
        }
        if (epochs < 1 || epochs > 10000) {
            problems.add("head epochs must be 1-10000, was " + epochs);
        }
        if (patience < 1 || patience > 1000) {
            problems.add("head patience must be 1-1000 epochs, was " + patience);
        }
        return problems;
    }

    public HeadSpec linear() {
        return new HeadSpec(0, activation, 0.0, optimizer, learningRate, batchSize, epochs, patience, seed);
    }

    public String toJson() {
        return Json.GSON.toJson(this);
    }

    public static HeadSpec fromJson(String json) {
        return Json.GSON.fromJson(json, HeadSpec.class);
    }
}

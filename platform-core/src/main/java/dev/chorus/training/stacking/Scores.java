package dev.chorus.training.stacking;

import java.util.ArrayList;
import java.util.List;

import dev.chorus.ensembles.Evaluation;

/** Scores from class probabilities (rows × classes, row-major) and true labels. */
final class Scores {

    /** Probabilities are clipped here before the log, so one confident mistake cannot make the loss infinite. */
    private static final double EPSILON = 1e-7;

    private Scores() {
    }

    /** Mean cross-entropy and accuracy. */
    static double[] lossAndAccuracy(float[] probabilities, int[] labels, int classes) {
        double loss = 0;
        long correct = 0;
        for (int r = 0; r < labels.length; r++) {
            loss -= Math.log(Math.max(probabilities[r * classes + labels[r]], EPSILON));
            if (argMax(probabilities, r, classes) == labels[r]) {
                correct++;
            }
        }
        return new double[] {loss / labels.length, correct / (double) labels.length};
    }

    static Evaluation.Score score(float[] probabilities, int[] labels, int classes) {
        double[] result = lossAndAccuracy(probabilities, labels, classes);
        return new Evaluation.Score(result[1], result[0]);
    }

    /** The members' probabilities averaged, row by row. */
    static float[] average(List<float[]> members) {
        float[] mean = new float[members.getFirst().length];
        for (float[] member : members) {
            for (int i = 0; i < mean.length; i++) {
                mean[i] += member[i] / members.size();
            }
        }
        return mean;
    }

    /** {@code confusion[true][predicted]}. */
    static long[][] confusion(float[] probabilities, int[] labels, int classes) {
        long[][] matrix = new long[classes][classes];
        for (int r = 0; r < labels.length; r++) {
            matrix[labels[r]][argMax(probabilities, r, classes)]++;
        }
        return matrix;
    }

    /** Precision and recall of each class; NaN where a class was never predicted (or never present). */
    static List<Evaluation.ClassScore> perClass(long[][] confusion, List<String> classNames) {
        List<Evaluation.ClassScore> scores = new ArrayList<>();
        for (int c = 0; c < confusion.length; c++) {
            long truePositives = confusion[c][c];
            long predicted = 0;
            long actual = 0;
            for (int other = 0; other < confusion.length; other++) {
                predicted += confusion[other][c];
                actual += confusion[c][other];
            }
            scores.add(new Evaluation.ClassScore(classNames.get(c),
                    predicted == 0 ? Double.NaN : truePositives / (double) predicted,
                    actual == 0 ? Double.NaN : truePositives / (double) actual, actual));
        }
        return scores;
    }

    private static int argMax(float[] probabilities, int row, int classes) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (probabilities[row * classes + c] > probabilities[row * classes + best]) {
                best = c;
            }
        }
        return best;
    }
}

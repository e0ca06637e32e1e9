package dev.chorus.ensembles;

import java.util.List;

/**
 * The seeds' comparison table for one version, on the held-out split: the stacked ensemble,
 * each member alone (a linear head on its own features), and the average of the members'
 * probabilities; per-class precision/recall and the confusion matrix of the ensemble
 * ({@code confusion[true][predicted]}).
 */
public record Evaluation(String split, int samples, Score ensemble, List<MemberScore> members, Score averaging,
        List<ClassScore> perClass, long[][] confusion) {

    public record Score(double accuracy, double loss) {
    }

    public record MemberScore(String backbone, double accuracy, double loss) {
    }

    public record ClassScore(String className, double precision, double recall, long support) {
    }

    public double bestMemberAccuracy() {
        return members.stream().mapToDouble(MemberScore::accuracy).max().orElse(Double.NaN);
    }
}

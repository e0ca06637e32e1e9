package dev.chorus.training.stacking;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.chorus.ensembles.EnsembleService;
import dev.chorus.ensembles.EnsembleService.TrainingPlan;
import dev.chorus.training.DeviceRequest;
import dev.chorus.training.RunRequest;
import dev.chorus.training.TrainingService;

/** Starts stacking runs: the revision is checked now, so a definition that cannot train is refused at once. */
@ApplicationScoped
public class StackingRuns {

    private final EnsembleService ensembles;
    private final TrainingService training;

    StackingRuns(EnsembleService ensembles, TrainingService training) {
        this.ensembles = ensembles;
        this.training = training;
    }

    /** Returns the run id. {@code revision} 0 means the current revision (pinned into the run now). */
    public long start(String ensemble, int revision, DeviceRequest device, int priority, int maxAttempts) {
        TrainingPlan plan = ensembles.planTraining(ensemble, revision);
        return training.submit(new RunRequest(StackingJob.NAME, Map.of("ensemble", ensemble, "revision",
                Integer.toString(plan.revision())), ensemble, plan.definition().dataset(), priority, device,
                maxAttempts));
    }
}

package dev.chorus.ensembles;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;

import jakarta.enterprise.context.ApplicationScoped;

import dev.chorus.datasets.DatasetService;
import dev.chorus.training.DeviceRequest;
import dev.chorus.training.RunState;
import dev.chorus.training.TrainingRun;
import dev.chorus.training.TrainingService;
import dev.chorus.training.stacking.StackingRuns;

/** For tests in other packages (serving): ensembles with trained versions on the generated shapes dataset. */
@ApplicationScoped
public class StackingSupport {

    public static final String DATASET = StackingFixture.DATASET;
    public static final String RUN = StackingFixture.RUN;

    private final DatasetService datasets;
    private final TrainingService training;
    private final EnsembleService ensembles;
    private final StackingRuns stacking;

    StackingSupport(DatasetService datasets, TrainingService training, EnsembleService ensembles,
            StackingRuns stacking) {
        this.datasets = datasets;
        this.training = training;
        this.ensembles = ensembles;
        this.stacking = stacking;
    }

    public static BufferedImage image(String kind, Random random) {
        return StackingFixture.image(kind, random);
    }

    public List<String> members() {
        return StackingFixture.members(datasets, training);
    }

    /** A new ensemble (name {@code base-RUN}) over the fixture's members, with version 1 trained. */
    public String ensembleWithVersion(String base, HeadSpec head) throws InterruptedException {
        String name = base + "-" + RUN;
        ensembles.create(new EnsembleDefinition(name, "", members(), head, DATASET, List.of()));
        stackAgain(name);
        return name;
    }

    /** Trains the next version and waits for it. */
    public void stackAgain(String ensemble) throws InterruptedException {
        TrainingRun run = StackingFixture.awaitEnd(training, stacking.start(ensemble, 0, DeviceRequest.CPU, 0, 1));
        if (run.state != RunState.SUCCEEDED) {
            throw new IllegalStateException("stacking " + ensemble + " failed: " + run.error);
        }
    }
}

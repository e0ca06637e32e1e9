package dev.chorus.training;

import java.util.Map;
import java.util.Optional;

/** What a running job can see and report. */
public interface RunContext {

    long runId();

    int attempt();

    /** Where it runs: "cpu" or "gpu(N)". */
    String device();

    Map<String, String> parameters();

    /** What the job saved after its last completed phase in an earlier attempt, if anything. */
    Optional<String> checkpoint();

    void saveCheckpoint(String checkpoint);

    void progress(String phase, Integer epoch, Long step, Double fraction, Double etaSeconds);

    void recordEpoch(EpochMetrics metrics);

    /** Throws when the run was cancelled or this worker lost its lease. */
    void checkCancelled() throws RunStoppedException;
}

package dev.chorus.datasets;

import java.util.Optional;

/**
 * Something that may be using a dataset (a training run, later). Deleting a dataset asks every
 * implementation; one that answers with a reason blocks the deletion.
 */
public interface DatasetUsage {

    /** Empty if the dataset is free, else who uses it, e.g. "run 42 is RUNNING on it". */
    Optional<String> usedBy(String datasetName);
}

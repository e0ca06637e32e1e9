package dev.chorus.datasets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/** The database side of datasets, each operation one transaction. */
@ApplicationScoped
class DatasetRecords {

    @Transactional
    boolean exists(String name) {
        return Dataset.count("name", name) > 0;
    }

    @Transactional
    boolean directoryRegistered(String directory) {
        return Dataset.count("directory", directory) > 0;
    }

    @Transactional
    Dataset insert(String name, Dataset.Source source, long seed, String directory, StagedDataset staged) {
        Dataset dataset = new Dataset();
        dataset.name = name;
        dataset.source = source;
        dataset.storageFormat = staged.format();
        dataset.directory = directory;
        dataset.classes = staged.classes().toArray(String[]::new);
        dataset.splitSeed = seed;
        dataset.skippedFiles = staged.skipped().size();
        dataset.persist();
        staged.counts().forEach((split, counts) -> {
            for (int label = 0; label < counts.length; label++) {
                DatasetClassCount count = new DatasetClassCount();
                count.datasetId = dataset.id;
                count.split = split;
                count.classIndex = label;
                count.images = counts[label];
                count.persist();
            }
        });
        for (StagedDataset.Skipped skipped : staged.skipped()) {
            DatasetSkippedFile file = new DatasetSkippedFile();
            file.datasetId = dataset.id;
            file.path = skipped.path();
            file.reason = skipped.reason();
            file.persist();
        }
        return dataset;
    }

    @Transactional
    void delete(long id) {
        Dataset.deleteById(id);
    }
}

package dev.chorus.training.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import dev.chorus.datasets.ImageSplitDataset;
import dev.chorus.datasets.Preprocessor;
import dev.chorus.datasets.SplitImages;
import dev.chorus.plugin.api.FeatureExtractor;

/** Runs a frozen backbone (inference mode) over every image of a split, in order, once. */
public final class FeatureExtraction {

    /** Called after each batch; throws to stop (a cancelled run). */
    @FunctionalInterface
    public interface BatchDone {
        void done(int imagesDone) throws Exception;
    }

    private FeatureExtraction() {
    }

    public static Features extract(FeatureExtractor extractor, SplitImages images, int batchSize, BatchDone progress)
            throws Exception {
        int dimension = extractor.descriptor().featureDimension();
        int rows = images.size();
        float[] values = new float[Math.multiplyExact(rows, dimension)];
        int[] labels = new int[rows];
        Preprocessor preprocessor = new Preprocessor(extractor.descriptor().input());
        ImageSplitDataset dataset = ImageSplitDataset.builder(images, preprocessor).setSampling(batchSize, false).build();
        int done = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Batch batch : dataset.getData(manager)) {
                try (batch) {
                    NDArray features = extractor.extract(batch.getData().head());
                    float[] batchValues = features.toFloatArray();
                    float[] batchLabels = batch.getLabels().head().toFloatArray();
                    System.arraycopy(batchValues, 0, values, done * dimension, batchValues.length);
                    for (int i = 0; i < batchLabels.length; i++) {
                        labels[done + i] = (int) batchLabels[i];
                    }
                    done += batchLabels.length;
                }
                progress.done(done);
            }
        }
        if (done != rows) {
            throw new IllegalStateException("extraction saw " + done + " of " + rows + " images");
        }
        return new Features(labels, values, dimension);
    }
}

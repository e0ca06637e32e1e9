package dev.chorus.datasets;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;

/**
 * One split as a DJL dataset: each record is decoded, augmented and preprocessed when a batch
 * asks for it, so the split is never held twice in memory. Augmentation is seeded per
 * (seed, epoch, index): a run can be repeated exactly, and each epoch sees new variations.
 */
public final class ImageSplitDataset extends RandomAccessDataset {

    private final SplitImages images;
    private final Preprocessor preprocessor;
    private final Augmentation augmentation;
    private final long seed;
    private volatile int epoch;

    private ImageSplitDataset(Builder builder) {
        super(builder);
        this.images = builder.images;
        this.preprocessor = builder.preprocessor;
        this.augmentation = builder.augmentation;
        this.seed = builder.seed;
    }

    public static Builder builder(SplitImages images, Preprocessor preprocessor) {
        return new Builder(images, preprocessor);
    }

    /** Which epoch the next records belong to; changes the augmentation, nothing else. */
    public void setEpoch(int epoch) {
        this.epoch = epoch;
    }

    @Override
    public Record get(NDManager manager, long index) {
        int i = Math.toIntExact(index);
        BufferedImage image;
        try {
            image = images.image(i);
        } catch (IOException e) {
            throw new UncheckedIOException("image " + i + " cannot be read: " + e.getMessage(), e);
        }
        BufferedImage augmented = augmentation.apply(image, new Random(mix(seed, epoch, i)));
        var spec = preprocessor.spec();
        NDArray x = manager.create(preprocessor.toTensor(augmented),
                new Shape(spec.channels(), spec.height(), spec.width()));
        NDArray y = manager.create((float) images.label(i));
        return new Record(new NDList(x), new NDList(y));
    }

    @Override
    protected long availableSize() {
        return images.size();
    }

    @Override
    public void prepare(Progress progress) {
        // Nothing to fetch: the split is already on disk.
    }

    private static long mix(long seed, int epoch, int index) {
        long h = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }

    public static final class Builder extends RandomAccessDataset.BaseBuilder<Builder> {
        private final SplitImages images;
        private final Preprocessor preprocessor;
        private Augmentation augmentation = Augmentation.NONE;
        private long seed;

        private Builder(SplitImages images, Preprocessor preprocessor) {
            this.images = images;
            this.preprocessor = preprocessor;
        }

        public Builder augment(Augmentation augmentation, long seed) {
            this.augmentation = augmentation;
            this.seed = seed;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        public ImageSplitDataset build() {
            return new ImageSplitDataset(this);
        }
    }
}

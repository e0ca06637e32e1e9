package dev.chorus.datasets;

import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A split of an IDX dataset. The split's pixels are held once, as bytes (Fashion-MNIST train:
 * 47 MB); images are made from them on demand.
 */
final class IdxSplit implements SplitImages {

    private final IdxFiles.Images images;
    private final byte[] labels;
    private final int[] indices;

    private IdxSplit(IdxFiles.Images images, byte[] labels, int[] indices) {
        this.images = images;
        this.labels = labels;
        this.indices = indices;
    }

    static IdxSplit open(Path directory, Split split) throws IOException {
        boolean test = split == Split.TEST;
        IdxFiles.Images images = IdxFiles.readImages(directory.resolve(
                test ? FashionMnistImport.TEST_IMAGES : FashionMnistImport.TRAIN_IMAGES));
        byte[] labels = IdxFiles.readLabels(directory.resolve(
                test ? FashionMnistImport.TEST_LABELS : FashionMnistImport.TRAIN_LABELS));
        if (test) {
            return new IdxSplit(images, labels, range(images.count()));
        }
        int[] validation = readIndices(directory.resolve(FashionMnistImport.VALIDATION_INDICES));
        return new IdxSplit(images, labels, split == Split.VALIDATION ? validation : complement(images.count(),
                validation));
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int label(int index) {
        return labels[indices[index]] & 0xFF;
    }

    @Override
    public BufferedImage image(int index) {
        BufferedImage image = new BufferedImage(images.columns(), images.rows(), BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, images.columns(), images.rows(),
                java.util.Arrays.copyOfRange(images.pixels(), indices[index] * images.size(),
                        (indices[index] + 1) * images.size()));
        return image;
    }

    private static int[] readIndices(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            int[] indices = new int[in.readInt()];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = in.readInt();
            }
            return indices;
        }
    }

    private static int[] range(int count) {
        return java.util.stream.IntStream.range(0, count).toArray();
    }

    private static int[] complement(int count, int[] sortedExcluded) {
        int[] result = new int[count - sortedExcluded.length];
        int next = 0;
        int excluded = 0;
        for (int i = 0; i < count; i++) {
            if (excluded < sortedExcluded.length && sortedExcluded[excluded] == i) {
                excluded++;
            } else {
                result[next++] = i;
            }
        }
        return result;
    }
}

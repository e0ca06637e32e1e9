package dev.chorus.datasets;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import dev.chorus.errors.InvalidRequestException;

/**
 * Fashion-MNIST from its IDX files (Debian's dataset-fashion-mnist): the official 60k train and
 * 10k test split is kept, a seeded validation share is carved from train, and the files are
 * copied as they are (compact, and the images are never expanded into single files).
 */
final class FashionMnistImport {

    static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");
    static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";
    static final String VALIDATION_INDICES = "validation-indices.bin";

    private FashionMnistImport() {
    }

    static boolean present(Path directory) {
        return List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS).stream()
                .allMatch(name -> Files.isRegularFile(directory.resolve(name)));
    }

    static StagedDataset stage(Path source, Path staging, long seed, double holdOut, ImportProgress progress)
            throws IOException {
        if (!present(source)) {
            throw new InvalidRequestException("no Fashion-MNIST IDX files (" + TRAIN_IMAGES + ", " + TRAIN_LABELS + ", "
                    + TEST_IMAGES + ", " + TEST_LABELS + ") in " + source
                    + "; install Debian's dataset-fashion-mnist package");
        }
        progress.update("reading labels", 0, 4);
        byte[] trainLabels = labels(source.resolve(TRAIN_LABELS), source.resolve(TRAIN_IMAGES));
        byte[] testLabels = labels(source.resolve(TEST_LABELS), source.resolve(TEST_IMAGES));
        progress.update("copying IDX files", 2, 4);
        for (String name : List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)) {
            Files.copy(source.resolve(name), staging.resolve(name));
        }
        progress.update("carving the validation split", 3, 4);
        int[] validation = validationIndices(trainLabels.length, seed, holdOut);
        writeIndices(staging.resolve(VALIDATION_INDICES), validation);

        var counts = StagedDataset.emptyCounts(CLASSES.size());
        boolean[] isValidation = new boolean[trainLabels.length];
        for (int index : validation) {
            isValidation[index] = true;
        }
        for (int i = 0; i < trainLabels.length; i++) {
            counts.get(isValidation[i] ? Split.VALIDATION : Split.TRAIN)[label(trainLabels[i])]++;
        }
        for (byte label : testLabels) {
            counts.get(Split.TEST)[label(label)]++;
        }
        progress.update("done", 4, 4);
        return new StagedDataset(Dataset.StorageFormat.IDX, CLASSES, counts, List.of());
    }

    private static byte[] labels(Path labelsFile, Path imagesFile) throws IOException {
        byte[] labels = IdxFiles.readLabels(labelsFile);
        int images = IdxFiles.count(imagesFile, IdxFiles.IMAGES_MAGIC);
        if (images != labels.length) {
            throw new InvalidRequestException(imagesFile + " holds " + images + " images but " + labelsFile + " "
                    + labels.length + " labels");
        }
        for (byte label : labels) {
            label(label);
        }
        return labels;
    }

    private static int label(byte value) {
        int label = value & 0xFF;
        if (label >= CLASSES.size()) {
            throw new InvalidRequestException("Fashion-MNIST label " + label + " is out of range 0-9");
        }
        return label;
    }

    static int[] validationIndices(int trainSize, long seed, double holdOut) {
        List<Integer> indices = new ArrayList<>(trainSize);
        for (int i = 0; i < trainSize; i++) {
            indices.add(i);
        }
        Collections.shuffle(indices, new Random(seed));
        return indices.subList(0, (int) Math.round(trainSize * holdOut)).stream().mapToInt(Integer::intValue)
                .sorted().toArray();
    }

    private static void writeIndices(Path file, int[] indices) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(indices.length);
            for (int index : indices) {
                out.writeInt(index);
            }
        }
    }
}

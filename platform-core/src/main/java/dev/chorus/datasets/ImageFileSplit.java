package dev.chorus.datasets;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

/** A split stored as {@code <split>/<class index>/<n>.<ext>} files. */
final class ImageFileSplit implements SplitImages {

    private final List<Path> files = new ArrayList<>();
    private final List<Integer> labels = new ArrayList<>();

    ImageFileSplit(Path datasetDirectory, Split split, int classes) throws IOException {
        Path splitDirectory = datasetDirectory.resolve(split.directoryName());
        for (int label = 0; label < classes; label++) {
            Path classDirectory = splitDirectory.resolve(Integer.toString(label));
            if (!Files.isDirectory(classDirectory)) {
                continue;
            }
            try (Stream<Path> list = Files.list(classDirectory)) {
                for (Path file : list.sorted().toList()) {
                    files.add(file);
                    labels.add(label);
                }
            }
        }
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public int label(int index) {
        return labels.get(index);
    }

    @Override
    public BufferedImage image(int index) throws IOException {
        BufferedImage image = ImageIO.read(files.get(index).toFile());
        if (image == null) {
            throw new IOException("not an image any more: " + files.get(index));
        }
        return image;
    }
}

package dev.chorus.datasets;

import java.awt.image.BufferedImage;
import java.io.IOException;

/**
 * The images of one split of one dataset, read on demand: a split never has to fit in memory as
 * decoded images. Labels index the dataset's class list.
 */
public interface SplitImages {

    int size();

    int label(int index);

    BufferedImage image(int index) throws IOException;
}

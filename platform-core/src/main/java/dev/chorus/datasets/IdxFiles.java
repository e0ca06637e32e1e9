package dev.chorus.datasets;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The IDX format of MNIST and Fashion-MNIST (gzip-compressed): big-endian magic 0x801 for labels
 * (one byte each) and 0x803 for images (rows × columns bytes each).
 */
final class IdxFiles {

    static final int LABELS_MAGIC = 0x801;
    static final int IMAGES_MAGIC = 0x803;

    /** Pixels of every image, row-major, one byte each. */
    record Images(int count, int rows, int columns, byte[] pixels) {
        int size() {
            return rows * columns;
        }
    }

    private IdxFiles() {
    }

    static byte[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            expectMagic(in, LABELS_MAGIC, file);
            int count = in.readInt();
            checkCount(count, file);
            return in.readNBytes(count);
        }
    }

    static Images readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            expectMagic(in, IMAGES_MAGIC, file);
            int count = in.readInt();
            int rows = in.readInt();
            int columns = in.readInt();
            checkCount(count, file);
            if (rows <= 0 || columns <= 0 || rows > 4096 || columns > 4096) {
                throw new IOException(file + ": implausible image size " + rows + "x" + columns);
            }
            long bytes = (long) count * rows * columns;
            if (bytes > Integer.MAX_VALUE - 16) {
                throw new IOException(file + ": too many pixels for one file (" + bytes + ")");
            }
            byte[] pixels = in.readNBytes((int) bytes);
            if (pixels.length != bytes) {
                throw new IOException(file + " is truncated: " + pixels.length + " of " + bytes + " pixel bytes");
            }
            return new Images(count, rows, columns, pixels);
        }
    }

    /** Header only: how many items the file says it holds. */
    static int count(Path file, int magic) throws IOException {
        try (DataInputStream in = open(file)) {
            expectMagic(in, magic, file);
            return in.readInt();
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        return new DataInputStream(new java.io.BufferedInputStream(
                file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw, 1 << 16));
    }

    private static void expectMagic(DataInputStream in, int magic, Path file) throws IOException {
        int found = in.readInt();
        if (found != magic) {
            throw new IOException(file + " is not an IDX " + (magic == LABELS_MAGIC ? "label" : "image")
                    + " file (magic 0x" + Integer.toHexString(found) + ")");
        }
    }

    private static void checkCount(int count, Path file) throws IOException {
        if (count <= 0) {
            throw new IOException(file + ": implausible item count " + count);
        }
    }
}

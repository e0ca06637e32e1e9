package dev.chorus.datasets;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.imageio.ImageIO;

/** Makes the images and trees the dataset tests import: real PNGs and JPEGs, and broken ones. */
final class TestImages {

    private TestImages() {
    }

    static byte[] encode(int seed, String format, int size) throws IOException {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color((seed * 53) % 256, (seed * 97) % 256, (seed * 31) % 256));
        g.fillRect(0, 0, size, size);
        g.setColor(Color.WHITE);
        g.fillOval(seed % size, (seed * 7) % size, size / 3, size / 3);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    static Path write(Path file, int seed) throws IOException {
        Files.createDirectories(file.getParent());
        String format = file.toString().endsWith(".png") ? "png" : "jpg";
        return Files.write(file, encode(seed, format, 16));
    }

    /** {@code classes} folders of {@code perClass} images under {@code folder}. */
    static void classFolders(Path folder, List<String> classes, int perClass) throws IOException {
        int seed = 0;
        for (String name : classes) {
            for (int i = 0; i < perClass; i++) {
                write(folder.resolve(name).resolve(String.format("img%03d.%s", i, i % 2 == 0 ? "png" : "jpg")), seed++);
            }
        }
    }

    /** A real PNG whose header claims a size far beyond any limit: decoding it would need gigabytes. */
    static Path bomb(Path file) throws IOException {
        byte[] png = encode(1, "png", 4);
        ByteBuffer bytes = ByteBuffer.wrap(png);
        bytes.putInt(16, 100_000).putInt(20, 100_000);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17); // "IHDR" and its 13 data bytes
        bytes.putInt(29, (int) crc.getValue());
        Files.createDirectories(file.getParent());
        return Files.write(file, png);
    }

    static Path truncatedJpeg(Path file) throws IOException {
        byte[] jpeg = encode(3, "jpg", 64);
        Files.createDirectories(file.getParent());
        return Files.write(file, java.util.Arrays.copyOf(jpeg, jpeg.length / 2));
    }

    static Path zip(Path file, Map<String, byte[]> entries) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        return file;
    }
}

package dev.chorus.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import dev.chorus.errors.InvalidRequestException;

/**
 * Receives an uploaded zip as a stream (never whole in memory), then extracts it defensively:
 * entries that would land outside the target (absolute paths, "..") refuse the whole upload,
 * and the number of entries and the bytes actually inflated are capped, whatever the headers
 * claim, so a zip bomb stops early.
 */
final class ZipImport {

    private final long maxUploadBytes;
    private final long maxExtractedBytes;
    private final int maxEntries;

    ZipImport(long maxUploadBytes, long maxExtractedBytes, int maxEntries) {
        this.maxUploadBytes = maxUploadBytes;
        this.maxExtractedBytes = maxExtractedBytes;
        this.maxEntries = maxEntries;
    }

    /** Copies the upload to {@code target}, refusing it once it exceeds the size limit. */
    void receive(InputStream upload, Path target) throws IOException {
        try (OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            for (int read = upload.read(buffer); read >= 0; read = upload.read(buffer)) {
                total += read;
                if (total > maxUploadBytes) {
                    throw new InvalidRequestException("the upload exceeds the limit of " + maxUploadBytes
                            + " bytes (chorus.datasets.max-upload-bytes); nothing was imported");
                }
                out.write(buffer, 0, read);
            }
        }
    }

    void extract(Path zip, Path target, ImportProgress progress) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            if (file.size() > maxEntries) {
                throw new InvalidRequestException("the zip has " + file.size() + " entries, more than the limit of "
                        + maxEntries + "; nothing was imported");
            }
            long inflated = 0;
            int done = 0;
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                Path destination = destination(target, entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(destination);
                } else {
                    Files.createDirectories(destination.getParent());
                    try (InputStream in = file.getInputStream(entry)) {
                        inflated = copyCapped(in, destination, inflated);
                    }
                }
                progress.update("extracting", ++done, file.size());
            }
        } catch (ZipException e) {
            throw new InvalidRequestException("not a readable zip file (" + e.getMessage() + "); nothing was imported");
        }
    }

    private static Path destination(Path target, String name) {
        Path resolved = target.resolve(name.replace('\\', '/')).normalize();
        if (name.startsWith("/") || name.contains(":") || !resolved.startsWith(target)) {
            throw new InvalidRequestException("zip entry '" + name + "' points outside the dataset; the upload is"
                    + " refused and nothing was imported");
        }
        return resolved;
    }

    private long copyCapped(InputStream in, Path destination, long inflatedSoFar) throws IOException {
        long total = inflatedSoFar;
        try (OutputStream out = Files.newOutputStream(destination)) {
            byte[] buffer = new byte[1 << 16];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                total += read;
                if (total > maxExtractedBytes) {
                    throw new InvalidRequestException("the zip expands to more than " + maxExtractedBytes
                            + " bytes (chorus.datasets.max-extracted-bytes): a possible zip bomb; nothing was imported");
                }
                out.write(buffer, 0, read);
            }
        }
        return total;
    }
}

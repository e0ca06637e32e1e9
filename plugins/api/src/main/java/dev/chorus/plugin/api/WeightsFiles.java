package dev.chorus.plugin.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Fingerprints weights files without reading them into the heap. */
public final class WeightsFiles {

    private WeightsFiles() {
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Availability of a weights file: available with its checksum, or unavailable saying why. */
    public static Availability availabilityOf(Path file) {
        if (!Files.exists(file)) {
            return Availability.unavailable("weights file missing: " + file);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            return Availability.unavailable("weights file not readable: " + file);
        }
        try {
            if (Files.size(file) == 0) {
                return Availability.unavailable("weights file is empty: " + file);
            }
            return Availability.available(sha256(file));
        } catch (IOException e) {
            return Availability.unavailable("weights file cannot be read: " + file + " (" + e.getMessage() + ")");
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

package dev.chorus.artifacts;

/** The bytes stored no longer have the checksum recorded when they were written. */
public class ArtifactCorruptedException extends RuntimeException {

    public ArtifactCorruptedException(String message) {
        super(message);
    }
}

package dev.chorus.artifacts;

/** A stored artifact: its id, what it is, its size and its SHA-256 (hex). */
public record ArtifactRef(long id, String kind, String name, long sizeBytes, String sha256) {
}

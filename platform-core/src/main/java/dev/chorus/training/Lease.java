package dev.chorus.training;

import java.util.Optional;

/** A run this worker holds: what to run, which attempt it is, and where it got to before. */
record Lease(long runId, String kind, String parameters, int attempt, String device, Optional<String> checkpoint) {
}

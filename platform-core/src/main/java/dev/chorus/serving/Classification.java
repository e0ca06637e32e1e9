package dev.chorus.serving;

import java.util.List;

/** The answer to one image: top labels, the version and arm that answered, and where the time went. */
public record Classification(String requestId, String ensemble, int version, String arm, List<Label> labels,
        float[] probabilities, List<String> classes, double queueMillis, double inferenceMillis, double totalMillis,
        int batchSize) {

    public record Label(String label, int index, float probability) {
    }
}

package dev.chorus.serving;

import java.time.Duration;

import dev.chorus.errors.InvalidRequestException;

/** How one ensemble's requests are grouped: at most this many, waiting at most this long, behind this queue. */
public record BatchingPolicy(int maxBatchSize, Duration maxDelay, int queueCapacity) {

    public BatchingPolicy {
        if (maxBatchSize < 1 || maxBatchSize > 4096) {
            throw new InvalidRequestException("max batch size must be 1-4096, was " + maxBatchSize);
        }
        if (maxDelay.isNegative() || maxDelay.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new InvalidRequestException("max batch delay must be 0-1 s, was " + maxDelay);
        }
        if (queueCapacity < 1 || queueCapacity > 100_000) {
            throw new InvalidRequestException("queue capacity must be 1-100000, was " + queueCapacity);
        }
    }

    static BatchingPolicy of(ServingConfig config, String ensemble) {
        ServingConfig.Batching defaults = config.batching();
        ServingConfig.EnsembleBatching own = config.ensembles().get(ensemble);
        if (own == null) {
            return new BatchingPolicy(defaults.maxBatchSize(), defaults.maxDelay(), defaults.queueCapacity());
        }
        return new BatchingPolicy(own.maxBatchSize().orElse(defaults.maxBatchSize()),
                own.maxDelay().orElse(defaults.maxDelay()), own.queueCapacity().orElse(defaults.queueCapacity()));
    }
}

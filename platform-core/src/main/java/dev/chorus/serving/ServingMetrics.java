package dev.chorus.serving;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Prometheus figures per ensemble, version and arm: requests, errors by status code, latency,
 * time in the batching queue, and batch sizes; and CPU seconds by serving stage.
 */
@ApplicationScoped
public class ServingMetrics {

    private final MeterRegistry registry;

    private final ServingCpu cpu;

    ServingMetrics(MeterRegistry registry, ServingCpu cpu) {
        this.registry = registry;
        this.cpu = cpu;
        for (ServingCpu.Stage stage : ServingCpu.Stage.values()) {
            FunctionCounter.builder("chorus_serving_cpu", this.cpu, c -> c.seconds(stage)).baseUnit("seconds")
                    .description("CPU used by a serving stage's threads").tag("stage", stage.label())
                    .register(registry);
        }
    }

    void answered(String ensemble, int version, String arm, long totalNanos) {
        registry.counter("chorus_classify_requests", "ensemble", ensemble, "version", Integer.toString(version), "arm",
                arm).increment();
        Timer.builder("chorus_classify_latency").description("Classify latency, from receipt to answer")
                .tags("ensemble", ensemble, "version", Integer.toString(version), "arm", arm).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry).record(Duration.ofNanos(totalNanos));
    }

    /** A failed request, by its gRPC status code name. */
    public void failed(String ensemble, String code) {
        registry.counter("chorus_classify_errors", "ensemble", ensemble == null || ensemble.isBlank() ? "-" : ensemble,
                "code", code).increment();
    }

    void queued(String ensemble, int version, long queueNanos) {
        Timer.builder("chorus_classify_queue").description("Time waiting in the batching queue")
                .tags("ensemble", ensemble, "version", Integer.toString(version)).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry).record(Duration.ofNanos(queueNanos));
    }

    void batch(String ensemble, int version, int size) {
        DistributionSummary.builder("chorus_classify_batch_size").description("Requests per batch")
                .tags("ensemble", ensemble, "version", Integer.toString(version)).publishPercentileHistogram()
                .minimumExpectedValue(1.0).maximumExpectedValue(4096.0).register(registry).record(size);
    }
}

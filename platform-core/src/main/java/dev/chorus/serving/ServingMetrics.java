package dev.chorus.serving;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Prometheus figures per ensemble, version and arm: requests, errors by status code, latency,
 * time in the batching queue, and batch sizes; and CPU seconds by serving stage.
 *
 * <p>The meters of each (ensemble, version, arm) are looked up once and kept: finding a meter in
 * the registry builds and sorts its tags every time, on the thread that answers each request.
 */
@ApplicationScoped
public class ServingMetrics {

    /** The meters one request is counted in. */
    private record RequestMeters(Counter requests, Timer latency, Timer queue) {
    }

    private record Arm(String ensemble, int version, String arm) {
    }

    private record Version(String ensemble, int version) {
    }

    private final MeterRegistry registry;
    private final Map<Arm, RequestMeters> requestMeters = new ConcurrentHashMap<>();
    private final Map<Version, DistributionSummary> batchSizes = new ConcurrentHashMap<>();

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

    /** An answered request: its latency from receipt to answer, and its time in the batching queue. */
    void answered(String ensemble, int version, String arm, long totalNanos, long queueNanos) {
        RequestMeters meters = requestMeters.computeIfAbsent(new Arm(ensemble, version, arm), this::requestMeters);
        meters.requests().increment();
        meters.latency().record(Duration.ofNanos(totalNanos));
        meters.queue().record(Duration.ofNanos(queueNanos));
    }

    private RequestMeters requestMeters(Arm key) {
        String version = Integer.toString(key.version());
        Counter requests = registry.counter("chorus_classify_requests", "ensemble", key.ensemble(), "version", version,
                "arm", key.arm());
        Timer latency = Timer.builder("chorus_classify_latency").description("Classify latency, from receipt to answer")
                .tags("ensemble", key.ensemble(), "version", version, "arm", key.arm()).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        Timer queue = Timer.builder("chorus_classify_queue").description("Time waiting in the batching queue")
                .tags("ensemble", key.ensemble(), "version", version).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        return new RequestMeters(requests, latency, queue);
    }

    /** A failed request, by its gRPC status code name. */
    public void failed(String ensemble, String code) {
        registry.counter("chorus_classify_errors", "ensemble", ensemble == null || ensemble.isBlank() ? "-" : ensemble,
                "code", code).increment();
    }

    void batch(String ensemble, int version, int size) {
        batchSizes.computeIfAbsent(new Version(ensemble, version), key -> DistributionSummary
                .builder("chorus_classify_batch_size").description("Requests per batch")
                .tags("ensemble", key.ensemble(), "version", Integer.toString(key.version()))
                .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(4096.0).register(registry))
                .record(size);
    }
}

package dev.chorus.serving;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.imageio.ImageIO;

import jakarta.enterprise.context.ApplicationScoped;

import dev.chorus.errors.ChorusException;
import dev.chorus.errors.InvalidRequestException;
import dev.chorus.errors.UnavailableException;
import dev.chorus.plugin.api.InputSpec;

/**
 * Closed-loop callers through the whole serving core, in-process: each classifies an encoded
 * image (decoded, batched with the others, answered with top-k) and sends the next when it is
 * answered — a Classify call without gRPC. Between the in-process limit ({@link CapacityProbe})
 * and served throughput, it tells apart what the serving core costs from what the transport costs
 * (as perf_analyzer's C API mode does for Triton).
 */
@ApplicationScoped
public class ServingCoreProbe {

    private static final int MAX_CALLERS = 1024;
    private static final long WARM_UP_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** What the callers achieved after the warm-up second. */
    public record Measurement(int version, int callers, long images, double seconds, double imagesPerSecond,
            double p50Millis, double p99Millis, double meanBatch) {
    }

    private final ClassifyService classifier;
    private final EnsembleRuntime runtime;

    ServingCoreProbe(ClassifyService classifier, EnsembleRuntime runtime) {
        this.classifier = classifier;
        this.runtime = runtime;
    }

    /**
     * @param version 0 for the current one (then pinned for the whole measurement)
     * @param image   encoded image every call classifies; empty for a generated one
     */
    public Measurement measure(String ensemble, int version, int callers, double seconds, byte[] image) {
        if (!(seconds > 0 && seconds <= 60)) {
            throw new InvalidRequestException("seconds must be in (0, 60], was " + seconds);
        }
        if (callers < 1 || callers > MAX_CALLERS) {
            throw new InvalidRequestException("callers must be 1-" + MAX_CALLERS + ", was " + callers);
        }
        int pinned;
        byte[] encoded;
        try (EnsembleRuntime.Lease lease = runtime.lease(ensemble, version)) {
            pinned = lease.version.version;
            encoded = image.length > 0 ? image : generated(lease.version.specs.get(0));
        }
        return new Run(ensemble, pinned, encoded, callers, seconds).measure();
    }

    /** A PNG of random pixels at the size and channels the version's first member takes. */
    static byte[] generated(InputSpec spec) {
        BufferedImage image = new BufferedImage(spec.width(), spec.height(),
                spec.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        Random random = new Random(1);
        for (int y = 0; y < spec.height(); y++) {
            for (int x = 0; x < spec.width(); x++) {
                for (int band = 0; band < image.getRaster().getNumBands(); band++) {
                    image.getRaster().setSample(x, y, band, random.nextInt(256));
                }
            }
        }
        try {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(image, "png", png);
            return png.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One measurement: the callers, their latencies and the first failure, which ends it. */
    private final class Run {
        private final String ensemble;
        private final int version;
        private final byte[] image;
        private final long measureFrom;
        private final long until;
        private final CountDownLatch finished;
        private final List<Caller> callers = new ArrayList<>();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Run(String ensemble, int version, byte[] image, int callers, double seconds) {
            this.ensemble = ensemble;
            this.version = version;
            this.image = image;
            this.measureFrom = System.nanoTime() + WARM_UP_NANOS;
            this.until = measureFrom + (long) (seconds * 1e9);
            this.finished = new CountDownLatch(callers);
            for (int c = 0; c < callers; c++) {
                this.callers.add(new Caller());
            }
        }

        Measurement measure() {
            callers.forEach(Caller::send);
            try {
                if (!finished.await(until - System.nanoTime() + TimeUnit.SECONDS.toNanos(60), TimeUnit.NANOSECONDS)) {
                    throw new UnavailableException("measuring '" + ensemble + "' version " + version
                            + " did not finish: calls were still unanswered a minute after its end");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnavailableException("measuring was interrupted");
            }
            if (failure.get() != null) {
                throw failure.get() instanceof ChorusException typed ? typed
                        : new UnavailableException("measuring failed: " + failure.get().getMessage());
            }
            return result();
        }

        private Measurement result() {
            long[] latencies = callers.stream().flatMapToLong(c -> Arrays.stream(c.latencies, 0, c.count)).sorted()
                    .toArray();
            long batches = callers.stream().mapToLong(c -> c.batchSizes).sum();
            double seconds = (until - measureFrom) / 1e9;
            int n = latencies.length;
            return new Measurement(version, callers.size(), n, seconds, n / seconds, percentile(latencies, 0.50),
                    percentile(latencies, 0.99), n == 0 ? 0 : batches / (double) n);
        }

        /** Sends its next image when the last is answered, until the time is up or a call fails. */
        private final class Caller {
            private long[] latencies = new long[1024];
            private int count;
            private long batchSizes;

            void send() {
                long started = System.nanoTime();
                CompletableFuture<Classification> call = started < until && failure.get() == null ? call() : null;
                if (call == null) {
                    finished.countDown();
                    return;
                }
                call.whenComplete((answer, failed) -> {
                    if (failed != null) {
                        failure.compareAndSet(null, failed instanceof CompletionException wrapped
                                && wrapped.getCause() != null ? wrapped.getCause() : failed);
                    } else {
                        record(started, System.nanoTime(), answer.batchSize());
                    }
                    send();
                });
            }

            /** The next call, or null (the failure noted) when the decode threads refuse work: Chorus is stopping. */
            private CompletableFuture<Classification> call() {
                try {
                    return classifier.classify(request());
                } catch (RuntimeException stopping) {
                    failure.compareAndSet(null, new UnavailableException("serving is stopping on this replica"));
                    return null;
                }
            }

            private void record(long started, long answered, int batchSize) {
                if (started < measureFrom || answered > until) {
                    return;
                }
                if (count == latencies.length) {
                    latencies = Arrays.copyOf(latencies, count * 2);
                }
                latencies[count++] = answered - started;
                batchSizes += batchSize;
            }
        }

        private ClassifyRequest request() {
            return new ClassifyRequest(ensemble, version, "", "", ServingInput.image(java.nio.ByteBuffer.wrap(image),
                    classifier.limits()), 1, Long.MAX_VALUE, () -> false);
        }
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)] / 1e6;
    }
}

package dev.chorus.serving;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.chorus.errors.DeadlineExpiredException;
import dev.chorus.errors.InvalidRequestException;

/**
 * Classification, transport-agnostic and asynchronous: no thread waits for a batch. A request
 * leases its version (so a hot swap cannot pull it away), is decoded and preprocessed on a decode
 * thread, queued in the version's batcher, and answered when its batch is done.
 */
@ApplicationScoped
public class ClassifyService {

    public static final int DEFAULT_TOP_K = 5;
    private static final int MAX_TOP_K = 1000;

    private final EnsembleRuntime runtime;
    private final ServingMetrics metrics;
    private final ServingConfig config;
    private final ExecutorService decoders;

    ClassifyService(EnsembleRuntime runtime, ServingMetrics metrics, ServingConfig config) {
        this.runtime = runtime;
        this.metrics = metrics;
        this.config = config;
        AtomicInteger number = new AtomicInteger();
        this.decoders = Executors.newFixedThreadPool(config.decodeThreads(), task -> {
            Thread thread = new Thread(task, "serving-decode-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @PreDestroy
    void stop() {
        decoders.shutdownNow();
    }

    public ServingConfig limits() {
        return config;
    }

    /** Completes with the classification or a domain exception (never wrapped), on a decode thread. */
    public CompletableFuture<Classification> classify(ClassifyRequest request) {
        return classify(request, decoders);
    }

    /**
     * The same, completing on {@code answerOn}: a transport passes the thread that will write the
     * answer (its event loop), so the answer is built there instead of crossing one more thread.
     *
     * <p>Small inputs (see {@link ServingConfig#inlineDecodeMaxPixels()}) for a version already
     * loaded are decoded and queued right here, on the caller's thread: handing them to a decode
     * thread cost more than decoding them (on a busy processor, the woken decode thread preempts the
     * event loop: two context switches per request). Everything else goes to the decode threads, so
     * a transport thread never waits for a large image or a version being loaded.
     */
    public CompletableFuture<Classification> classify(ClassifyRequest request, Executor answerOn) {
        long received = System.nanoTime();
        EnsembleRuntime.Lease ready = inlineLease(request);
        if (ready != null) {
            try {
                checkBeforeLease(request);
                return unwrapped(start(request, received, ready, answerOn, () -> {
                }));
            } catch (RuntimeException e) {
                ready.close();
                return CompletableFuture.failedFuture(e);
            }
        }
        Arrival arrival = new Arrival(runtime.arrivals(request.ensemble()));
        return unwrapped(CompletableFuture.supplyAsync(() -> {
            try {
                checkBeforeLease(request);
                return start(request, received, runtime.lease(request.ensemble(), request.version()), answerOn,
                        arrival::done);
            } finally {
                arrival.done();
            }
        }, decoders).thenCompose(started -> started));
    }

    /** A lease on the request's version when its input is small and the version loaded, else null. */
    private EnsembleRuntime.Lease inlineLease(ClassifyRequest request) {
        long limit = config.inlineDecodeMaxPixels();
        long pixels = request.input().pixels();
        if (pixels <= 0 || pixels > limit) {
            return null;
        }
        EnsembleRuntime.Lease lease = runtime.leaseIfLoaded(request.ensemble(), request.version()).orElse(null);
        if (lease != null && lease.version.largestInputPixels > limit) {
            lease.close(); // resizing to the members' inputs is not small work
            return null;
        }
        return lease;
    }

    private static CompletableFuture<Classification> unwrapped(CompletableFuture<Classification> result) {
        return result.handle((answer, failure) -> {
            if (failure != null) {
                throw new CompletionException(unwrap(failure));
            }
            return answer;
        });
    }

    /**
     * A request on its way to its ensemble's batcher (queued for decoding, or being decoded): the
     * batcher waits for company only while there are such requests. Counted once, from receipt
     * until just before it is offered.
     */
    private static final class Arrival {
        private final AtomicInteger counter;
        private final java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);

        Arrival(AtomicInteger counter) {
            this.counter = counter;
            counter.incrementAndGet();
        }

        void done() {
            if (open.compareAndSet(true, false)) {
                counter.decrementAndGet();
            }
        }
    }

    private void checkBeforeLease(ClassifyRequest request) {
        if (request.topK() < 0 || request.topK() > MAX_TOP_K) {
            throw new InvalidRequestException("top_k must be 1-" + MAX_TOP_K + " (0 means " + DEFAULT_TOP_K
                    + "), was " + request.topK());
        }
        if (System.nanoTime() >= request.deadlineNanos()) {
            throw new DeadlineExpiredException("the deadline passed before the request was started");
        }
    }

    /** Decodes, queues and answers a request; {@code beforeOffer} runs just before it is queued. */
    private CompletableFuture<Classification> start(ClassifyRequest request, long received, EnsembleRuntime.Lease lease,
            Executor answerOn, Runnable beforeOffer) {
        try {
            LoadedVersion version = lease.version;
            int classes = version.classes.size();
            if (request.topK() > classes) {
                throw new InvalidRequestException("top_k " + request.topK() + " is more than the " + classes
                        + " classes of '" + version.ensemble + "' version " + version.version);
            }
            InferenceItem item = new InferenceItem(request.input().decode().preprocessed(version.preprocessors),
                    request.deadlineNanos(), request.abandoned());
            beforeOffer.run(); // e.g. no longer arriving: the batcher must not wait for this request itself
            version.submit(item);
            // answered off the batcher's thread, which goes straight back to batching
            return item.result.whenCompleteAsync((result, failure) -> lease.close(), answerOn)
                    .thenApply(result -> answer(request, lease, result, received));
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    private Classification answer(ClassifyRequest request, EnsembleRuntime.Lease lease, InferenceItem.Result result,
            long received) {
        LoadedVersion version = lease.version;
        int k = request.topK() == 0 ? Math.min(DEFAULT_TOP_K, version.classes.size()) : request.topK();
        float[] p = result.probabilities();
        List<Classification.Label> labels = new ArrayList<>(k);
        IntStream.range(0, p.length).boxed().sorted(Comparator.comparingDouble((Integer i) -> -p[i])).limit(k)
                .forEach(i -> labels.add(new Classification.Label(version.classes.get(i), i, p[i])));
        long total = System.nanoTime() - received;
        metrics.answered(version.ensemble, version.version, lease.arm, total, result.queueNanos());
        String id = request.requestId() == null || request.requestId().isBlank() ? newRequestId()
                : request.requestId();
        return new Classification(id, version.ensemble, version.version, lease.arm, labels, p, version.classes,
                result.queueNanos() / 1e6, result.inferenceNanos() / 1e6, total / 1e6, result.batchSize());
    }

    /**
     * A random (version 4) UUID from a per-thread generator: ids only need to be unique, and
     * UUID.randomUUID's shared SecureRandom is a lock and a system call on every request.
     */
    private static String newRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while (current instanceof CompletionException && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}

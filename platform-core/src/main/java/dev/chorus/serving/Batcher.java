package dev.chorus.serving;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import dev.chorus.errors.ChorusException;
import dev.chorus.errors.DeadlineExpiredException;
import dev.chorus.errors.OverloadedException;

/**
 * Dynamic batching for one loaded version: concurrent requests are grouped up to the policy's
 * batch size or delay — waiting only when company is coming (requests being decoded, or clients
 * just answered while clients are sending concurrently; see {@link #awaitCompany}), so a request
 * alone pays no delay — behind a bounded queue (a full queue refuses at once instead of letting
 * latency grow). Requests whose caller's deadline passed, or who went away, are skipped. One or
 * more worker threads run the batches, each with its own head; with several, one fills the next
 * batch while the others run theirs, so the member threads find work queued instead of waiting
 * for a batch to form.
 */
final class Batcher implements AutoCloseable {

    /**
     * @param workers    threads running this version's batches
     * @param arrivalGap how long a stream of arrivals may pause before a batch waiting for company
     *                   runs anyway
     */
    record Settings(int workers, Duration arrivalGap) {
    }

    /** Computes a batch: row-major probabilities (items × classes). */
    interface Runner {
        float[] run(List<float[][]> inputs) throws Exception;

        /** Called on the batcher's thread when it ends. */
        void threadDone();
    }

    private static final Logger LOG = Logger.getLogger(Batcher.class);
    private static final long ARRIVAL_POLL_NANOS = 100_000;

    private final String name;
    private final Runner runner;
    private final int classes;
    private final ServingMetrics metrics;
    private final String ensemble;
    private final int version;
    private final LinkedBlockingQueue<InferenceItem> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    /** Requests for this ensemble received but not yet offered: the only ones worth waiting for. */
    private final AtomicInteger arriving;
    private final List<Thread> workers = new ArrayList<>();
    /** Held while a worker fills a batch: workers take turns, so concurrent ones do not split batches. */
    private final Object collecting = new Object();
    private volatile BatchingPolicy policy;
    private volatile boolean closing;
    private volatile int lastBatchSize;
    private final long arrivalGapNanos;

    Batcher(String ensemble, int version, BatchingPolicy policy, int classes, Runner runner, ServingMetrics metrics,
            AtomicInteger arriving, Settings settings) {
        this.arrivalGapNanos = settings.arrivalGap().toNanos();
        this.arriving = arriving;
        this.ensemble = ensemble;
        this.version = version;
        this.name = "'" + ensemble + "' version " + version;
        this.policy = policy;
        this.classes = classes;
        this.runner = runner;
        this.metrics = metrics;
        for (int w = 1; w <= settings.workers(); w++) {
            workers.add(Thread.ofPlatform().daemon().name("batcher-" + ensemble + "-v" + version + "-" + w)
                    .start(this::loop));
        }
    }

    void setPolicy(BatchingPolicy policy) {
        this.policy = policy;
    }

    BatchingPolicy policy() {
        return policy;
    }

    void offer(InferenceItem item) {
        int capacity = policy.queueCapacity();
        if (closing) {
            throw new OverloadedException(name + " is being unloaded; retry");
        }
        if (waiting.incrementAndGet() > capacity) {
            waiting.decrementAndGet();
            throw new OverloadedException(name + " has " + capacity + " requests waiting, its queue capacity;"
                    + " retry later with backoff");
        }
        queue.add(item);
    }

    int waiting() {
        return waiting.get();
    }


    private void loop() {
        try {
            while (!closing || !queue.isEmpty()) {
                List<InferenceItem> batch;
                synchronized (collecting) {
                    batch = collect();
                }
                if (!batch.isEmpty()) {
                    runBatch(batch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            runner.threadDone();
        }
    }

    private List<InferenceItem> collect() throws InterruptedException {
        List<InferenceItem> batch = new ArrayList<>();
        InferenceItem first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
            return batch;
        }
        batch.add(first);
        BatchingPolicy current = policy;
        long until = first.enqueuedNanos + current.maxDelay().toNanos();
        boolean hadCompany = lastBatchSize > 1;
        while (batch.size() < current.maxBatchSize()) {
            InferenceItem next = queue.poll();
            if (next == null) {
                next = awaitCompany(until, hadCompany);
                if (next == null) {
                    break;
                }
            }
            batch.add(next);
        }
        lastBatchSize = batch.size();
        waiting.addAndGet(-batch.size());
        return batch;
    }

    /**
     * The next request worth waiting for, or null to run the batch now. Requests already received
     * and being decoded are always worth waiting for. When the last batch had company, clients are
     * sending concurrently and those just answered are about to send again: wait while they keep
     * arriving, until a quiet gap. A client alone never waits.
     */
    private InferenceItem awaitCompany(long until, boolean hadCompany) throws InterruptedException {
        long quietUntil = System.nanoTime() + arrivalGapNanos;
        while (true) {
            long now = System.nanoTime();
            boolean decoding = arriving.get() > 0;
            if (now >= until || (!decoding && (!hadCompany || now >= quietUntil))) {
                return null;
            }
            long wait = Math.min(until, decoding ? now + ARRIVAL_POLL_NANOS : quietUntil) - now;
            InferenceItem next = queue.poll(wait, TimeUnit.NANOSECONDS);
            if (next != null) {
                return next;
            }
        }
    }

    private void runBatch(List<InferenceItem> collected) {
        long started = System.nanoTime();
        List<InferenceItem> batch = new ArrayList<>(collected.size());
        for (InferenceItem item : collected) {
            if (item.abandoned()) {
                item.result.cancel(false);
            } else if (item.expired(started)) {
                item.result.completeExceptionally(new DeadlineExpiredException("the deadline passed while waiting in "
                        + name + "'s queue; the request was skipped"));
            } else {
                batch.add(item);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            float[] probabilities = runner.run(batch.stream().map(i -> i.tensors).toList());
            long inference = System.nanoTime() - started;
            metrics.batch(ensemble, version, batch.size());
            for (int i = 0; i < batch.size(); i++) {
                InferenceItem item = batch.get(i);
                float[] own = java.util.Arrays.copyOfRange(probabilities, i * classes, (i + 1) * classes);
                item.result.complete(new InferenceItem.Result(own, batch.size(), started - item.enqueuedNanos, inference));
            }
        } catch (ChorusException expected) {
            // a typed failure (serving is stopping, a member cannot be opened): one line, and each
            // request is answered with its status
            LOG.warnf("A batch of %d for %s failed: %s", batch.size(), name, expected.getMessage());
            batch.forEach(item -> item.result.completeExceptionally(expected));
        } catch (Exception | Error e) {
            LOG.errorf(e, "A batch of %d for %s failed", batch.size(), name);
            batch.forEach(item -> item.result.completeExceptionally(e));
        }
    }

    /** Stops taking requests; those already queued are still answered. */
    @Override
    public void close() {
        closing = true;
        try {
            for (Thread worker : workers) {
                worker.join(30_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (InferenceItem late = queue.poll(); late != null; late = queue.poll()) {
            late.result.completeExceptionally(new OverloadedException(name + " was unloaded; retry"));
        }
    }
}

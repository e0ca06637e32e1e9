package dev.chorus.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import dev.chorus.errors.DeadlineExpiredException;
import dev.chorus.errors.OverloadedException;

/**
 * Dynamic batching for one loaded version: concurrent requests are grouped up to the policy's
 * batch size or delay — waiting only while other admitted requests are still being decoded, so
 * a request alone pays no delay — behind a bounded queue (a full queue refuses at once instead of letting
 * latency grow). Requests whose caller's deadline passed, or who went away, are skipped. One
 * or more worker threads run the batches — with two, one batch's members run while the other's
 * head does, keeping the cores busy — and each worker owns its head.
 */
final class Batcher implements AutoCloseable {

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
    private volatile BatchingPolicy policy;
    private volatile boolean closing;

    Batcher(String ensemble, int version, BatchingPolicy policy, int classes, Runner runner, ServingMetrics metrics,
            AtomicInteger arriving, int workerCount) {
        this.arriving = arriving;
        this.ensemble = ensemble;
        this.version = version;
        this.name = "'" + ensemble + "' version " + version;
        this.policy = policy;
        this.classes = classes;
        this.runner = runner;
        this.metrics = metrics;
        for (int w = 1; w <= workerCount; w++) {
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
                List<InferenceItem> batch = collect();
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
        while (batch.size() < current.maxBatchSize()) {
            InferenceItem next = queue.poll();
            if (next == null) {
                // Wait only for requests already on their way: a lone request never waits for company.
                long remaining = until - System.nanoTime();
                if (remaining <= 0 || arriving.get() == 0) {
                    break;
                }
                next = queue.poll(Math.min(remaining, ARRIVAL_POLL_NANOS), TimeUnit.NANOSECONDS);
                if (next == null) {
                    continue;
                }
            }
            batch.add(next);
        }
        waiting.addAndGet(-batch.size());
        return batch;
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

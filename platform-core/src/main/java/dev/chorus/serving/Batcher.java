package dev.chorus.serving;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jboss.logging.Logger;

import dev.chorus.errors.ChorusException;
import dev.chorus.errors.DeadlineExpiredException;
import dev.chorus.errors.OverloadedException;

/**
 * Dynamic batching for one loaded version: concurrent requests are grouped up to the policy's
 * batch size or delay, behind a bounded queue (a full queue refuses at once instead of letting
 * latency grow). Requests whose caller's deadline passed, or who went away, are skipped.
 *
 * <p>A batch is cut only when the members are free to run it, as Triton's dynamic batcher forms a
 * batch when a model instance is available: requests arriving while the members run the previous
 * batch join the next one instead of being sent off alone behind it. The policy's delay is how long
 * a batch may wait for company once the members are free to run it (time spent queued behind a busy
 * batch is not counted: a request that arrived during it would otherwise be past its delay and run
 * alone, and so would the clients that come back after it). It waits only when company is coming
 * (see {@link #companyWait}), so a request alone pays no delay.
 *
 * <p>One or more worker threads run the batches, each with its own head. With several, the
 * batches form a pipeline: while one worker runs its batch's head and answers, the next batch's
 * members already run, so the member threads do not wait for the head, the answers and the next
 * requests' round trip.
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
        /** Runs the batch, calling {@code membersDone} once its members have finished (before the head). */
        float[] run(List<float[][]> inputs, Runnable membersDone) throws Exception;

        /** Called on the batcher's thread when it ends. */
        void threadDone();
    }

    private static final Logger LOG = Logger.getLogger(Batcher.class);
    /** How often a waiting batch re-checks requests still being decoded (they signal when offered). */
    private static final long ARRIVAL_POLL_NANOS = 100_000;
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String name;
    private final Runner runner;
    private final int classes;
    private final ServingMetrics metrics;
    private final String ensemble;
    private final int version;
    private final long arrivalGapNanos;
    /** Requests for this ensemble received but not yet offered: the only ones worth waiting for. */
    private final AtomicInteger arriving;
    private final List<Thread> workers = new ArrayList<>();
    /** Held while a worker fills a batch: workers take turns, so concurrent ones do not split batches. */
    private final Object collecting = new Object();
    /** Guards the queue and the members' state; signalled on each arrival and when members finish. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<InferenceItem> queue = new ArrayDeque<>();
    /**
     * How many queued requests would change the waiting batch's decision (guarded by {@link #lock}):
     * an arrival wakes the batch thread only then. On a busy processor every wake-up is a context
     * switch that preempts the thread that offered (measured: 1.8 switches per image at 32 clients
     * when each arrival woke it). Arrival times that only move the quiet gap are read when the wait
     * ends instead.
     */
    private int wakeWhenQueued = 1;
    /** How often the batch thread woke while collecting (guarded by {@link #lock}). */
    private long wakeUps;
    /** Whether a batch of this version is in its members (guarded by {@link #lock}). */
    private boolean membersBusy;
    /** When the members last became free (guarded by {@link #lock}). */
    private long membersFreedNanos;
    private volatile BatchingPolicy policy;
    private volatile boolean closing;
    private volatile int lastBatchSize;
    /**
     * How many requests recent batches had (guarded by {@link #collecting}): the clients just
     * answered are about to send again. Decays by a quarter per shorter batch, so that one batch cut
     * short does not halve the next ones, and is reset when the queue goes idle.
     */
    private int expectedCompany = 1;

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
        lock.lock();
        try {
            if (closing) {
                throw new OverloadedException(name + " is being unloaded; retry");
            }
            if (queue.size() >= capacity) {
                throw new OverloadedException(name + " has " + capacity + " requests waiting, its queue capacity;"
                        + " retry later with backoff");
            }
            queue.add(item);
            if (queue.size() >= wakeWhenQueued) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** How often the batch thread woke up while collecting batches. */
    long wakeUps() {
        lock.lock();
        try {
            return wakeUps;
        } finally {
            lock.unlock();
        }
    }

    /** Requests queued and not yet in a batch. */
    int waiting() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        try {
            while (!closing || waiting() > 0) {
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

    /** The next batch, its members then marked busy; empty when nothing arrived for a while. */
    private List<InferenceItem> collect() throws InterruptedException {
        List<InferenceItem> batch = new ArrayList<>();
        lock.lock();
        try {
            long idleUntil = System.nanoTime() + IDLE_POLL_NANOS;
            while (queue.isEmpty()) {
                long idle = idleUntil - System.nanoTime();
                if (idle <= 0 || closing) {
                    expectedCompany = 1; // nobody is in a tight loop with this version any more
                    return batch;
                }
                await(1, idle);
            }
            BatchingPolicy current = policy;
            int max = current.maxBatchSize();
            long delay = current.maxDelay().toNanos();
            boolean hadCompany = lastBatchSize > 1;
            int expected = Math.min(expectedCompany, max);
            long lastArrival = 0;
            while (true) {
                while (batch.size() < max && !queue.isEmpty()) {
                    InferenceItem item = queue.poll();
                    batch.add(item);
                    lastArrival = Math.max(lastArrival, item.enqueuedNanos);
                }
                if (batch.size() >= max) {
                    break;
                }
                long until = Math.max(batch.getFirst().enqueuedNanos, membersFreedNanos) + delay;
                boolean awaitingCompany = !membersBusy && batch.size() < expected;
                long wait = membersBusy ? IDLE_POLL_NANOS
                        : awaitingCompany ? until - System.nanoTime()
                                : companyWait(until, hadCompany, Math.max(lastArrival, membersFreedNanos));
                if (wait <= 0) {
                    break;
                }
                // woken early only by what changes the decision: the expected company, or a full batch
                await((awaitingCompany ? expected : max) - batch.size(), wait);
            }
            membersBusy = true;
            lastBatchSize = batch.size();
            expectedCompany = Math.max(batch.size(), expectedCompany - Math.max(1, expectedCompany / 4));
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** Waits (holding {@link #lock}) for {@code queued} queued requests, free members, or the end of the time. */
    private void await(int queued, long nanos) throws InterruptedException {
        wakeWhenQueued = queued;
        changed.awaitNanos(nanos);
        wakeUps++;
    }

    /**
     * How long a batch whose members are free, and which has the company recent batches had (until
     * then it waits for it, up to the delay), may still wait for more, or 0 to run it now.
     * Requests already received and being decoded are always worth waiting for. When the last batch
     * had company, clients are sending concurrently and those just answered are about to send
     * again: wait while they keep arriving, until a quiet gap. A client alone never waits. Never
     * past the delay.
     */
    private long companyWait(long until, boolean hadCompany, long lastEvent) {
        long now = System.nanoTime();
        boolean decoding = arriving.get() > 0;
        long quietUntil = lastEvent + arrivalGapNanos;
        if (now >= until || (!decoding && (!hadCompany || now >= quietUntil))) {
            return 0;
        }
        return Math.min(until, decoding ? now + ARRIVAL_POLL_NANOS : quietUntil) - now;
    }

    /** The members are free for the next batch. */
    private void membersDone() {
        lock.lock();
        try {
            membersBusy = false;
            membersFreedNanos = System.nanoTime();
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    private void runBatch(List<InferenceItem> collected) {
        AtomicBoolean freed = new AtomicBoolean();
        Runnable membersDone = () -> {
            if (freed.compareAndSet(false, true)) {
                membersDone();
            }
        };
        try {
            runLive(collected, membersDone);
        } finally {
            membersDone.run();
        }
    }

    private void runLive(List<InferenceItem> collected, Runnable membersDone) {
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
            float[] probabilities = runner.run(batch.stream().map(i -> i.tensors).toList(), membersDone);
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
        lock.lock();
        try {
            closing = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            for (Thread worker : workers) {
                worker.join(30_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<InferenceItem> late = new ArrayList<>();
        lock.lock();
        try {
            late.addAll(queue);
            queue.clear();
        } finally {
            lock.unlock();
        }
        late.forEach(item -> item.result.completeExceptionally(new OverloadedException(name + " was unloaded; retry")));
    }
}

package dev.chorus.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.chorus.errors.DeadlineExpiredException;
import dev.chorus.errors.OverloadedException;
import dev.chorus.errors.UnavailableException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Dynamic batching: grouping, the bounded queue, skipped expired work, a lossless close. */
class BatcherTest {

    /**
     * A runner that records batch sizes and answers each image with its own first value; can be
     * held in its members (before it says they are done) or, for the first batch, in its head.
     */
    static final class RecordingRunner implements Batcher.Runner {
        final List<Integer> sizes = new CopyOnWriteArrayList<>();
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch releaseHead = new CountDownLatch(1);
        final AtomicInteger runs = new AtomicInteger();
        volatile boolean hold;
        volatile boolean holdFirst;
        volatile boolean holdFirstHead;

        @Override
        public float[] run(List<float[][]> inputs, Runnable membersDone) throws Exception {
            boolean first = runs.getAndIncrement() == 0;
            if (hold || (holdFirst && first)) {
                release.await(10, TimeUnit.SECONDS);
            }
            sizes.add(inputs.size());
            membersDone.run();
            if (holdFirstHead && first) {
                releaseHead.await(10, TimeUnit.SECONDS);
            }
            float[] out = new float[inputs.size() * 2];
            for (int i = 0; i < inputs.size(); i++) {
                out[2 * i] = inputs.get(i)[0][0];
                out[2 * i + 1] = 1 - inputs.get(i)[0][0];
            }
            return out;
        }

        @Override
        public void threadDone() {
        }
    }

    final RecordingRunner runner = new RecordingRunner();
    final ServingMetrics metrics = new ServingMetrics(new SimpleMeterRegistry(), new ServingCpu());
    final AtomicInteger arriving = new AtomicInteger();
    Batcher batcher;

    Batcher batcher(int maxBatch, Duration delay, int capacity) {
        return batcher(maxBatch, delay, capacity, Duration.ofNanos(500_000));
    }

    Batcher batcher(int maxBatch, Duration delay, int capacity, Duration arrivalGap) {
        return batcher(maxBatch, delay, capacity, arrivalGap, runner);
    }

    Batcher batcher(int maxBatch, Duration delay, int capacity, Duration arrivalGap, Batcher.Runner with) {
        return batcher(maxBatch, delay, capacity, arrivalGap, with, 1);
    }

    Batcher batcher(int maxBatch, Duration delay, int capacity, Duration arrivalGap, Batcher.Runner with,
            int workers) {
        batcher = new Batcher("test", 1, new BatchingPolicy(maxBatch, delay, capacity), 2, with, metrics,
                arriving, new Batcher.Settings(workers, arrivalGap));
        return batcher;
    }

    /** Offers requests as concurrent clients' requests arrive: all received before the first is offered. */
    void offerTogether(Batcher b, InferenceItem... items) {
        arriving.addAndGet(items.length);
        for (InferenceItem item : items) {
            b.offer(item);
            arriving.decrementAndGet();
        }
    }

    /** Runs a batch of two, as concurrent clients do. */
    void batchWithCompany(Batcher b) throws Exception {
        InferenceItem second = item(0.2f);
        offerTogether(b, item(0.1f), second);
        assertEquals(2, second.result.get(5, TimeUnit.SECONDS).batchSize());
    }

    @AfterEach
    void close() {
        runner.release.countDown();
        runner.releaseHead.countDown();
        if (batcher != null) {
            batcher.close();
        }
    }

    static InferenceItem item(float value) {
        return new InferenceItem(new float[][] {{value}}, Long.MAX_VALUE, () -> false);
    }

    @Test
    void concurrentRequestsShareABatchAndEachGetsItsOwnAnswer() throws Exception {
        Batcher b = batcher(8, Duration.ofSeconds(1), 100);
        for (int i = 0; i < 8; i++) {
            arriving.incrementAndGet(); // eight requests received, being decoded
        }
        List<InferenceItem> items = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            items.add(item(i / 10f));
            b.offer(items.getLast());
            arriving.decrementAndGet();
        }
        for (int i = 0; i < 8; i++) {
            InferenceItem.Result result = items.get(i).result.get(5, TimeUnit.SECONDS);
            assertEquals(i / 10f, result.probabilities()[0], 1e-6);
            assertEquals(8, result.batchSize());
        }
        assertEquals(List.of(8), runner.sizes);
    }

    @Test
    void requestsArrivingWhileTheMembersRunABatchJoinTheNextOneInsteadOfRunningAloneBehindIt() throws Exception {
        runner.holdFirst = true;
        Batcher b = batcher(8, Duration.ofMillis(1), 100, Duration.ofNanos(500_000), runner, 2);
        InferenceItem alone = item(0.1f);
        b.offer(alone); // runs at once, and its members hold
        List<InferenceItem> later = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Thread.sleep(30); // each waits far past the 1 ms delay
            later.add(item(0.2f + i / 10f));
            b.offer(later.getLast());
        }
        Thread.sleep(30);
        assertFalse(later.getFirst().result.isDone(), "no batch is cut while the members are busy");
        runner.release.countDown();

        assertEquals(1, alone.result.get(5, TimeUnit.SECONDS).batchSize());
        for (InferenceItem item : later) {
            assertEquals(3, item.result.get(5, TimeUnit.SECONDS).batchSize());
        }
        assertEquals(List.of(1, 3), runner.sizes);
    }

    @Test
    void withTwoWorkersTheNextBatchRunsWhileThePreviousOneIsInItsHead() throws Exception {
        runner.holdFirstHead = true;
        Batcher b = batcher(8, Duration.ZERO, 100, Duration.ofNanos(500_000), runner, 2);
        InferenceItem first = item(0.1f);
        b.offer(first);
        Thread.sleep(50); // its members are done, its head holds
        InferenceItem second = item(0.2f);
        b.offer(second);

        assertEquals(0.2f, second.result.get(5, TimeUnit.SECONDS).probabilities()[0], 1e-6,
                "answered while the first batch is still in its head");
        assertFalse(first.result.isDone());
        runner.releaseHead.countDown();
        assertEquals(0.1f, first.result.get(5, TimeUnit.SECONDS).probabilities()[0], 1e-6);
    }

    @Test
    void withOneWorkerTheNextBatchWaitsForTheWholePreviousOne() throws Exception {
        runner.holdFirstHead = true;
        Batcher b = batcher(8, Duration.ZERO, 100);
        InferenceItem first = item(0.1f);
        b.offer(first);
        Thread.sleep(50);
        InferenceItem second = item(0.2f);
        b.offer(second);
        Thread.sleep(100);
        assertFalse(second.result.isDone(), "one worker runs one batch at a time");
        runner.releaseHead.countDown();
        assertEquals(1, second.result.get(5, TimeUnit.SECONDS).batchSize());
        assertEquals(1, first.result.get(5, TimeUnit.SECONDS).batchSize());
    }

    @Test
    void aLoneRequestDoesNotWaitForCompanyThatIsNotComing() throws Exception {
        Batcher b = batcher(8, Duration.ofSeconds(1), 100);
        InferenceItem alone = item(0.3f);
        b.offer(alone);
        InferenceItem.Result result = alone.result.get(500, TimeUnit.MILLISECONDS); // less than the 1 s delay
        assertEquals(1, result.batchSize());
    }

    @Test
    void onceTheCompanyOfTheLastBatchIsBackABatchRunsWhenArrivalsPauseLongerThanTheGap() throws Exception {
        Batcher b = batcher(8, Duration.ofSeconds(1), 100, Duration.ofMillis(50));
        batchWithCompany(b);
        InferenceItem first = item(0.3f);
        InferenceItem second = item(0.4f);
        b.offer(first);
        b.offer(second);
        // answered after the 50 ms gap, long before the 1 s delay
        assertEquals(2, second.result.get(800, TimeUnit.MILLISECONDS).batchSize());
    }

    @Test
    void theCompanyOfTheLastBatchIsWaitedForEvenAcrossAPauseLongerThanTheGap() throws Exception {
        Batcher b = batcher(8, Duration.ofSeconds(1), 100, Duration.ofMillis(20));
        batchWithCompany(b);
        InferenceItem back = item(0.3f);
        b.offer(back);
        Thread.sleep(150); // a client slower to come back than the gap, well within the delay
        assertFalse(back.result.isDone(), "the batch still waits for the client that was in the last one");
        InferenceItem slow = item(0.4f);
        b.offer(slow);
        assertEquals(2, slow.result.get(5, TimeUnit.SECONDS).batchSize());
        assertEquals(List.of(2, 2), runner.sizes);
    }

    @Test
    void aBatchWaitingForTheCompanyOfTheLastOneIsWokenWhenItIsThereNotByEachArrival() throws Exception {
        Batcher b = batcher(8, Duration.ofSeconds(1), 100, Duration.ofMillis(50));
        List<InferenceItem> first = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            first.add(item(0.1f));
        }
        offerTogether(b, first.toArray(InferenceItem[]::new));
        assertEquals(8, first.getLast().result.get(5, TimeUnit.SECONDS).batchSize());
        long before = b.wakeUps();

        InferenceItem last = null;
        for (int i = 0; i < 8; i++) {
            last = item(0.2f);
            b.offer(last); // the eight clients come back one by one
            Thread.sleep(2);
        }

        assertEquals(8, last.result.get(5, TimeUnit.SECONDS).batchSize());
        long wakeUps = b.wakeUps() - before;
        assertTrue(wakeUps <= 3, "woken by the first arrival and by the eighth, not by each: " + wakeUps);
    }

    @Test
    void companyThatDoesNotComeBackCostsOneBatchTheDelayAndIsThenNoLongerExpected() throws Exception {
        Batcher b = batcher(8, Duration.ofMillis(200), 100, Duration.ofMillis(20));
        batchWithCompany(b);
        long start = System.nanoTime();
        InferenceItem left = item(0.3f);
        b.offer(left);
        assertEquals(1, left.result.get(5, TimeUnit.SECONDS).batchSize());
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(190), "waited the delay");

        InferenceItem alone = item(0.4f);
        b.offer(alone);
        assertEquals(1, alone.result.get(150, TimeUnit.MILLISECONDS).batchSize()); // well before the delay
    }

    @Test
    void requestsQueuedBehindABusyBatchStillGetTheirDelayToGatherCompanyOnceTheMembersAreFree() throws Exception {
        runner.holdFirst = true;
        Batcher b = batcher(8, Duration.ofMillis(300), 100, Duration.ofMillis(20));
        InferenceItem second = item(0.2f);
        offerTogether(b, item(0.1f), second);
        while (runner.runs.get() == 0) {
            Thread.sleep(1); // until the batch of two is held in its members
        }
        InferenceItem early = item(0.3f);
        b.offer(early);
        Thread.sleep(400); // queued past the 300 ms delay while the members are busy
        runner.release.countDown();
        assertEquals(2, second.result.get(5, TimeUnit.SECONDS).batchSize());

        InferenceItem back = item(0.4f); // the other client of the last batch comes back
        b.offer(back);
        assertEquals(2, early.result.get(5, TimeUnit.SECONDS).batchSize());
        assertEquals(List.of(2, 2), runner.sizes);
    }

    @Test
    void withBatchingOffEveryRequestRunsAlone() throws Exception {
        Batcher b = batcher(1, Duration.ZERO, 100);
        List<InferenceItem> items = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            items.add(item(0.5f));
            b.offer(items.getLast());
        }
        for (InferenceItem item : items) {
            assertEquals(1, item.result.get(5, TimeUnit.SECONDS).batchSize());
        }
        assertEquals(List.of(1, 1, 1, 1, 1), runner.sizes);
    }

    @Test
    void aFullQueueRefusesAtOnce() throws Exception {
        runner.hold = true;
        Batcher b = batcher(1, Duration.ZERO, 2);
        b.offer(item(0.1f)); // taken by the batcher, which then holds
        Thread.sleep(200);
        b.offer(item(0.2f));
        b.offer(item(0.3f));
        OverloadedException refused = assertThrows(OverloadedException.class, () -> b.offer(item(0.4f)));
        assertTrue(refused.getMessage().contains("2 requests waiting"), refused.getMessage());
    }

    @Test
    void expiredAndAbandonedRequestsAreSkippedWithoutRunningThem() throws Exception {
        runner.hold = true;
        Batcher b = batcher(4, Duration.ZERO, 10);
        b.offer(item(0.1f));
        Thread.sleep(200);
        InferenceItem expired = new InferenceItem(new float[][] {{0.2f}}, System.nanoTime() + 1_000_000, () -> false);
        InferenceItem abandoned = new InferenceItem(new float[][] {{0.3f}}, Long.MAX_VALUE, () -> true);
        InferenceItem alive = item(0.4f);
        b.offer(expired);
        b.offer(abandoned);
        b.offer(alive);
        Thread.sleep(50);
        runner.release.countDown();

        assertEquals(1, alive.result.get(5, TimeUnit.SECONDS).batchSize(), "only the live request was computed");
        ExecutionException late = assertThrows(ExecutionException.class, () -> expired.result.get(5, TimeUnit.SECONDS));
        assertInstanceOf(DeadlineExpiredException.class, late.getCause());
        assertTrue(abandoned.result.isCancelled());
        assertEquals(List.of(1, 1), runner.sizes);
    }

    @Test
    void closingAnswersEverythingAlreadyQueued() throws Exception {
        runner.hold = true;
        Batcher b = batcher(2, Duration.ZERO, 100);
        List<InferenceItem> items = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            items.add(item(0.5f));
            b.offer(items.getLast());
        }
        Thread closing = Thread.ofVirtual().start(b::close);
        Thread.sleep(100);
        assertThrows(OverloadedException.class, () -> b.offer(item(0.9f)), "no new work once closing");
        runner.release.countDown();
        closing.join(10_000);
        for (InferenceItem item : items) {
            assertEquals(0.5f, item.result.get(5, TimeUnit.SECONDS).probabilities()[0], 1e-6);
        }
        batcher = null;
    }

    @Test
    void aTypedFailureOfTheRunnerReachesEveryRequestOfTheBatchAsItself() throws Exception {
        Batcher b = batcher(4, Duration.ZERO, 10, Duration.ofNanos(500_000), new Batcher.Runner() {
            @Override
            public float[] run(List<float[][]> inputs, Runnable membersDone) {
                throw new UnavailableException("serving is stopping on this replica; retry");
            }

            @Override
            public void threadDone() {
            }
        });
        InferenceItem item = item(0.5f);
        b.offer(item);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> item.result.get(5, TimeUnit.SECONDS));
        assertInstanceOf(UnavailableException.class, failed.getCause(), "answered as UNAVAILABLE, not INTERNAL");
    }
}

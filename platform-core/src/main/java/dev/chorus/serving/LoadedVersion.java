package dev.chorus.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.chorus.datasets.Preprocessor;
import dev.chorus.engine.OperatorThreads;
import dev.chorus.ensembles.EnsembleHead;
import dev.chorus.ensembles.HeadArtifact;
import dev.chorus.ensembles.PinnedMember;
import dev.chorus.plugin.api.InputSpec;

/**
 * An ensemble version ready to answer: its verified head, its members (run on the shared member
 * pool), and its batcher. Requests hold a lease on it; a retired version (replaced as current, or
 * evicted) finishes every leased request before it closes, which is what makes hot swap lossless.
 */
final class LoadedVersion {

    final String ensemble;
    final int version;
    final List<String> classes;
    final List<PinnedMember> members;
    /** Distinct member input specs; each image is preprocessed once per spec. */
    final List<InputSpec> specs;
    /** One per spec, in the same order (they hold lookup tables, so they are made once). */
    final List<Preprocessor> preprocessors;
    /** The largest member input, in pixels: what preprocessing an image for this version produces at most. */
    final long largestInputPixels;
    private final int[] specOfMember;
    private final int dimension;
    private final byte[] head;
    private final MemberPool pool;
    private final Batcher batcher;
    private final ThreadLocal<EnsembleHead> heads = new ThreadLocal<>();
    private final AtomicInteger leases = new AtomicInteger();
    private volatile boolean retired;
    private volatile boolean closed;

    LoadedVersion(String ensemble, int version, List<String> classes, List<PinnedMember> members, byte[] head,
            MemberPool pool, BatchingPolicy policy, ServingMetrics metrics, AtomicInteger arriving,
            Batcher.Settings batching) {
        this.ensemble = ensemble;
        this.version = version;
        this.classes = List.copyOf(classes);
        this.members = List.copyOf(members);
        this.head = head;
        this.pool = pool;
        List<InputSpec> distinct = new ArrayList<>();
        this.specOfMember = new int[members.size()];
        for (int m = 0; m < members.size(); m++) {
            InputSpec spec = members.get(m).inputSpec();
            if (!distinct.contains(spec)) {
                distinct.add(spec);
            }
            specOfMember[m] = distinct.indexOf(spec);
        }
        this.specs = List.copyOf(distinct);
        this.preprocessors = specs.stream().map(Preprocessor::new).toList();
        this.largestInputPixels = specs.stream().mapToLong(spec -> (long) spec.height() * spec.width()).max().orElse(0);
        this.dimension = members.stream().mapToInt(PinnedMember::featureDimension).sum();
        this.batcher = new Batcher(ensemble, version, policy, classes.size(), new Batcher.Runner() {
            @Override
            public float[] run(List<float[][]> inputs, Runnable membersDone) throws Exception {
                return inferWith(head(), inputs, membersDone);
            }

            @Override
            public void threadDone() {
                closeHead();
            }
        }, metrics, arriving, batching);
    }

    /** The same with a head the caller owns (and closes). */
    EnsembleHead newHead() {
        return HeadArtifact.read(head, NDManager.newBaseManager());
    }

    /** Probabilities (images × classes) of a batch with a head the caller owns: see below. */
    float[] inferWith(EnsembleHead ownHead, List<float[][]> inputs) throws Exception {
        return inferWith(ownHead, inputs, () -> {
        });
    }

    /**
     * Members run as (member × row shard) tasks on the member pool: one shard per pool thread
     * when the batch is large enough, so that every thread gets an equal share of the work
     * whatever the number of members (three members on two threads would leave one idle half the
     * time); a single image runs its members side by side. {@code membersDone} is called when the
     * members have finished with the batch, before the head runs on this thread.
     */
    private float[] inferWith(EnsembleHead ownHead, List<float[][]> inputs, Runnable membersDone) throws Exception {
        int n = inputs.size();
        int shards = Math.max(1, Math.min(n, pool.size()));
        List<List<CompletableFuture<float[]>>> features = new ArrayList<>();
        for (int m = 0; m < members.size(); m++) {
            List<CompletableFuture<float[]>> perShard = new ArrayList<>(shards);
            for (int s = 0; s < shards; s++) {
                perShard.add(extract(m, inputs, s * n / shards, (s + 1) * n / shards));
            }
            features.add(perShard);
        }
        awaitAll(features);
        float[] concatenated = new float[n * dimension];
        int offset = 0;
        for (int m = 0; m < members.size(); m++) {
            int d = members.get(m).featureDimension();
            for (int s = 0; s < shards; s++) {
                float[] rows = joined(features.get(m).get(s));
                int first = s * n / shards;
                for (int i = 0; i < rows.length / d; i++) {
                    System.arraycopy(rows, i * d, concatenated, (first + i) * dimension + offset, d);
                }
            }
            offset += d;
        }
        membersDone.run();
        try (NDManager manager = NDManager.newBaseManager()) {
            return ownHead.probabilities(manager.create(concatenated, new Shape(n, dimension))).toFloatArray();
        }
    }

    /**
     * Waits once for every member task, failed or not: joining them one by one would wake this
     * thread as each finishes, preempting the member threads mid-batch on a busy processor.
     */
    private static void awaitAll(List<List<CompletableFuture<float[]>>> features) {
        CompletableFuture.allOf(features.stream().flatMap(List::stream).toArray(CompletableFuture[]::new))
                .exceptionally(failure -> null).join();
    }

    /** The features, or the member's own failure (a domain exception stays what it is). */
    private static float[] joined(CompletableFuture<float[]> features) {
        try {
            return features.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Member {@code m}'s features of images [from, to). */
    private CompletableFuture<float[]> extract(int m, List<float[][]> inputs, int from, int to) {
        InputSpec spec = specs.get(specOfMember[m]);
        int size = spec.channels() * spec.height() * spec.width();
        float[] stacked = new float[(to - from) * size];
        for (int i = from; i < to; i++) {
            System.arraycopy(inputs.get(i)[specOfMember[m]], 0, stacked, (i - from) * size, size);
        }
        return pool.extract(members.get(m), stacked, new Shape(to - from, spec.channels(), spec.height(),
                spec.width()));
    }

    private EnsembleHead head() {
        EnsembleHead own = heads.get();
        if (own == null) {
            // a batch thread: its head's operators run on it alone, beside the member threads
            OperatorThreads.runOnCallingThreadOnly();
            own = newHead();
            heads.set(own);
        }
        return own;
    }

    private void closeHead() {
        EnsembleHead own = heads.get();
        if (own != null) {
            own.close();
            heads.remove();
        }
    }

    void submit(InferenceItem item) {
        batcher.offer(item);
    }


    Batcher batcher() {
        return batcher;
    }

    /** False when the version is retired and must not take new requests. */
    boolean tryAcquire() {
        leases.incrementAndGet();
        if (retired) {
            release();
            return false;
        }
        return true;
    }

    void release() {
        if (leases.decrementAndGet() == 0 && retired) {
            closeOnce();
        }
    }

    boolean idle() {
        return leases.get() == 0;
    }

    /** No new requests; closes when the last leased one is answered. */
    void retire() {
        retired = true;
        if (leases.get() == 0) {
            closeOnce();
        }
    }

    private synchronized void closeOnce() {
        if (!closed) {
            closed = true;
            // off the releasing thread: the batcher may be that thread's caller
            Thread.ofVirtual().name("unload-" + ensemble + "-v" + version).start(batcher::close);
        }
    }
}

package dev.chorus.serving;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.chorus.engine.OperatorThreads;
import dev.chorus.ensembles.PinnedMember;
import dev.chorus.errors.UnavailableException;
import dev.chorus.plugin.api.FeatureExtractor;

/**
 * Threads that run member backbones, so an ensemble's members run in parallel. Each thread holds
 * its own extractor per backbone version (extractors are not thread-safe): one predictor per
 * worker thread, shared by every loaded ensemble version that pins that backbone version.
 * Extractors no loaded version needs any more are closed by their thread at its next task.
 */
final class MemberPool implements AutoCloseable {

    /** Opens a backbone version exactly as pinned (refusing changed weights). */
    @FunctionalInterface
    interface Opener {
        FeatureExtractor open(PinnedMember member);
    }

    private static final Logger LOG = Logger.getLogger(MemberPool.class);

    private final Opener opener;
    private final ExecutorService threads;
    private final List<Map<String, FeatureExtractor>> perThread = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Map<String, FeatureExtractor>> own = ThreadLocal.withInitial(() -> {
        Map<String, FeatureExtractor> map = new HashMap<>();
        perThread.add(map);
        return map;
    });
    private volatile Set<String> wanted = Set.of();
    private final int size;

    MemberPool(int size, Opener opener) {
        this.opener = opener;
        this.size = size;
        this.threads = Executors.newFixedThreadPool(size, OperatorThreads.singleThreaded("serving-member"));
    }

    /** How many member tasks run at once. */
    int size() {
        return size;
    }

    /** The backbone keys loaded versions need; others are closed lazily. */
    void retainOnly(Set<String> keys) {
        wanted = Set.copyOf(keys);
    }

    /** Pooled features (rows × dimension) of a batch of preprocessed images (N, C, H, W). */
    CompletableFuture<float[]> extract(PinnedMember member, float[] images, Shape shape) {
        try {
            return CompletableFuture.supplyAsync(() -> extractHere(member, images, shape), threads);
        } catch (RejectedExecutionException closed) {
            // Chorus is stopping: a typed failure that clients retry elsewhere, not an internal error
            return CompletableFuture.failedFuture(new UnavailableException("serving is stopping on this replica;"
                    + " retry"));
        }
    }

    private float[] extractHere(PinnedMember member, float[] images, Shape shape) {
        Map<String, FeatureExtractor> extractors = own.get();
        closeUnwanted(extractors);
        FeatureExtractor extractor = extractors.computeIfAbsent(key(member), k -> opener.open(member));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray batch = manager.create(images, shape);
            return extractor.extract(batch).toFloatArray();
        }
    }

    static String key(PinnedMember member) {
        return member.backbone() + "@" + member.weightsSha256();
    }

    private void closeUnwanted(Map<String, FeatureExtractor> extractors) {
        Set<String> keep = wanted;
        for (Iterator<Map.Entry<String, FeatureExtractor>> it = extractors.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, FeatureExtractor> entry = it.next();
            if (!keep.contains(entry.getKey())) {
                entry.getValue().close();
                it.remove();
                LOG.debugf("Closed backbone %s on %s: no loaded version uses it", entry.getKey(),
                        Thread.currentThread().getName());
            }
        }
    }

    @Override
    public void close() {
        threads.shutdown();
        try {
            threads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Map<String, FeatureExtractor> extractors : perThread) {
            extractors.values().forEach(FeatureExtractor::close);
            extractors.clear();
        }
    }
}

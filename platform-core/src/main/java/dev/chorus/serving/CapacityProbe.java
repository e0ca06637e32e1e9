package dev.chorus.serving;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.chorus.engine.OperatorThreads;
import dev.chorus.ensembles.EnsembleHead;

/**
 * In-process capacity of a loaded version: the served path (members on the member pool, the head
 * on a batch thread set up like the batcher's) without transport, decoding or queueing, with a
 * given number of batch loops running at once (serving runs as many as the version has batch
 * workers; more show what several queued batches would get from the same member threads).
 */
final class CapacityProbe {

    private static final int SINGLE_IMAGE_SAMPLES = 101;

    private final LoadedVersion version;
    private final int loops;

    CapacityProbe(LoadedVersion version, int loops) {
        this.version = version;
        this.loops = loops;
    }

    EnsembleRuntime.Measurement measure(int batchSize, double seconds) throws Exception {
        List<float[][]> batch = Collections.nCopies(batchSize, blank(version));
        ExecutorService threads = Executors.newFixedThreadPool(loops,
                OperatorThreads.singleThreaded("serving-measure"));
        try {
            double singleP50 = threads.submit(() -> warmUpAndTimeOneImage(batch)).get();
            long start = System.nanoTime();
            long until = start + (long) (seconds * 1e9);
            List<Future<Long>> running = new ArrayList<>();
            for (int w = 0; w < loops; w++) {
                running.add(threads.submit(() -> loop(batch, until)));
            }
            long images = 0;
            for (Future<Long> loop : running) {
                images += loop.get();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            return new EnsembleRuntime.Measurement(version.version, batchSize, loops, images, elapsed,
                    images / elapsed, singleP50);
        } finally {
            threads.shutdownNow();
        }
    }

    private double warmUpAndTimeOneImage(List<float[][]> batch) throws Exception {
        try (EnsembleHead head = version.newHead()) {
            for (long warm = System.nanoTime() + 1_000_000_000L; System.nanoTime() < warm;) {
                version.inferWith(head, batch); // JIT and native pools settle before timing
            }
            double[] single = new double[SINGLE_IMAGE_SAMPLES];
            List<float[][]> one = Collections.singletonList(blank(version));
            for (int i = 0; i < single.length; i++) {
                long t = System.nanoTime();
                version.inferWith(head, one);
                single[i] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(single);
            return single[single.length / 2];
        }
    }

    private long loop(List<float[][]> batch, long until) throws Exception {
        try (EnsembleHead head = version.newHead()) {
            long images = 0;
            while (System.nanoTime() < until) {
                version.inferWith(head, batch);
                images += batch.size();
            }
            return images;
        }
    }

    static float[][] blank(LoadedVersion version) {
        float[][] blank = new float[version.specs.size()][];
        for (int s = 0; s < blank.length; s++) {
            var spec = version.specs.get(s);
            blank[s] = new float[spec.channels() * spec.height() * spec.width()];
        }
        return blank;
    }
}

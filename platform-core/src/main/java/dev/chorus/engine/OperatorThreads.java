package dev.chorus.engine;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import ai.djl.mxnet.jna.LibUtils;
import ai.djl.mxnet.jna.MxnetLibrary;

/**
 * How many OpenMP threads MXNet operators started from the calling thread may use. Serving runs
 * several inference threads at once, one per core: each must run its operators on itself alone,
 * or every operator's OpenMP team spins against the other threads' teams (measured 3× slower).
 * Training keeps the default (one team over all cores).
 */
public final class OperatorThreads {

    private static final Logger LOG = Logger.getLogger(OperatorThreads.class);
    private static volatile MxnetLibrary library;
    private static volatile boolean warned;

    private OperatorThreads() {
    }

    /**
     * Operators started from the calling thread run on it alone (OpenMP's per-thread setting).
     * Never throws: failing costs speed, not correctness, so it is logged once.
     */
    public static void runOnCallingThreadOnly() {
        setTeamSize(1);
    }

    /** Daemon threads named {@code prefix-N} whose operators run on themselves alone. */
    public static ThreadFactory singleThreaded(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return task -> Thread.ofPlatform().daemon().name(prefix + "-" + number.incrementAndGet()).unstarted(() -> {
            runOnCallingThreadOnly();
            task.run();
        });
    }

    /** Undoes {@link #singleThreadedUntilClosed()} on the thread that asked for it. */
    public interface Restore extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Operators started from the calling thread run on it alone until closed, then on the default
     * team again: for a pooled thread (a training job's) doing work too small to share.
     */
    public static Restore singleThreadedUntilClosed() {
        runOnCallingThreadOnly();
        return () -> setTeamSize(defaultTeamSize());
    }

    /** OpenMP's own default: OMP_NUM_THREADS, else one thread per processor. */
    private static int defaultTeamSize() {
        String configured = System.getenv("OMP_NUM_THREADS");
        try {
            return configured == null ? Runtime.getRuntime().availableProcessors()
                    : Math.max(1, Integer.parseInt(configured.split(",")[0].trim()));
        } catch (NumberFormatException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    private static void setTeamSize(int threads) {
        try {
            int code = library().MXSetNumOMPThreads(threads);
            if (code != 0) {
                warnOnce("MXNet answered " + code);
            }
        } catch (RuntimeException | LinkageError e) {
            warnOnce(e.toString());
        }
    }

    private static void warnOnce(String why) {
        if (!warned) {
            warned = true;
            LOG.warnf("Could not limit MXNet operators to their calling thread (%s); parallel inference threads"
                    + " will compete for cores", why);
        }
    }

    private static MxnetLibrary library() {
        MxnetLibrary loaded = library;
        if (loaded == null) {
            synchronized (OperatorThreads.class) {
                if (library == null) {
                    // the engine loads the native library first; this returns a handle on the same one
                    ai.djl.engine.Engine.getEngine("MXNet");
                    library = LibUtils.loadLibrary();
                }
                loaded = library;
            }
        }
        return loaded;
    }
}

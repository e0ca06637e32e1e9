package dev.chorus.engine;

import java.util.List;

import com.sun.jna.Native;

/**
 * Keeps the native memory MXNet frees inside the process. MXNet 1.9 has no CPU memory pool:
 * every tensor an operator makes is malloc'ed, and freed when its NDManager closes. glibc hands
 * large freed blocks back to the kernel (blocks it mmap'ed above its moving threshold, and an
 * arena's free top beyond its trim threshold), so the next batch's activations come back as fresh
 * pages, each faulted in and zeroed. Whether that happens depends on how the heap happens to be
 * laid out: a serving replica on one processor ran for minutes at 100,000 page faults a second
 * with a limit 20-40% lower, then flipped back. Fixed thresholds end that: blocks under 32 MiB
 * come from the arenas and go back to them, and up to 256 MiB free at an arena's top stays. The
 * price: the process keeps its high-water mark of such memory instead of shrinking after a peak.
 * An operator's own glibc malloc settings (environment variables or tunables) win.
 */
final class NativeMemory {

    /** glibc's largest fixed mmap threshold on 64-bit (half its per-thread heap size). */
    static final int MMAP_THRESHOLD = 32 << 20;
    static final int TRIM_THRESHOLD = 256 << 20;
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;
    private static final List<String> OPERATOR_SETTINGS = List.of("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_",
            "MALLOC_TOP_PAD_");

    private NativeMemory() {
    }

    /** What was done, for the log. */
    static synchronized String retainFreedMemory() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return "Native memory: the C library's defaults (not Linux)";
        }
        EngineSetup.CLibrary c = Native.load("c", EngineSetup.CLibrary.class);
        for (String variable : OPERATOR_SETTINGS) {
            if (c.getenv(variable) != null) {
                return "Native memory: malloc as the environment sets it (" + variable + ")";
            }
        }
        String tunables = c.getenv("GLIBC_TUNABLES");
        if (tunables != null && tunables.contains("glibc.malloc.")) {
            return "Native memory: malloc as the environment sets it (GLIBC_TUNABLES)";
        }
        try {
            // mallopt answers 1 on success; fixing the mmap threshold also stops glibc moving it
            if (c.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) != 1 || c.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) != 1) {
                return "Native memory: the C library's defaults (mallopt refused the thresholds)";
            }
        } catch (UnsatisfiedLinkError notGlibc) {
            return "Native memory: the C library's defaults (no mallopt: not glibc)";
        }
        return "Native memory: freed blocks under " + (MMAP_THRESHOLD >> 20) + " MiB are kept for reuse (up to "
                + (TRIM_THRESHOLD >> 20) + " MiB free per arena) instead of being faulted in again";
    }
}

package dev.chorus.serving;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Where serving's CPU goes, by stage: the JVM's per-thread CPU clocks summed over the threads of
 * each stage (known by their names). Served throughput can only approach the in-process limit as
 * far as the CPU left after transport, decoding and batching allows; this makes that visible.
 *
 * <p>Totals are accumulated from each thread's increase between samples, so they never go back
 * when a thread ends (a batcher of an unloaded version); what a thread used after the last sample
 * before it ended is not counted, so short-lived threads (the capacity probe's) show only in the
 * process total.
 */
@ApplicationScoped
public class ServingCpu {

    /** A serving stage and the name prefixes of its threads. */
    public enum Stage {
        /** Backbones running on the member pool. */
        MEMBERS("serving-member-"),
        /** Batch assembly and the head, one thread per version's batch worker. */
        BATCHING("batcher-"),
        /** Decoding and preprocessing images, and building answers. */
        DECODING("serving-decode-"),
        /** gRPC and HTTP/2 on the network event loops. */
        TRANSPORT("vert.x-eventloop", "grpc-");

        private final List<String> prefixes;

        Stage(String... prefixes) {
            this.prefixes = List.of(prefixes);
        }

        /** The stage a thread of this name works for, if any. */
        public static Optional<Stage> of(String threadName) {
            for (Stage stage : values()) {
                if (stage.prefixes.stream().anyMatch(threadName::startsWith)) {
                    return Optional.of(stage);
                }
            }
            return Optional.empty();
        }

        /** Lower case, dashes: how the stage is named in metrics and on the wire. */
        public String label() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    /** CPU seconds by stage, and of the whole process (garbage collection, compilers, native threads too). */
    public record Usage(Map<Stage, Double> secondsByStage, double processSeconds) {
    }

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> lastNanosByThread = new HashMap<>();
    private final Map<Stage, Long> nanosByStage = new EnumMap<>(Stage.class);

    /** False when this JVM cannot measure per-thread CPU time: then every stage reads 0. */
    public boolean supported() {
        return threads.isThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
    }

    /** CPU used so far. */
    public synchronized Usage usage() {
        if (supported()) {
            sample();
        }
        Map<Stage, Double> seconds = new EnumMap<>(Stage.class);
        for (Stage stage : Stage.values()) {
            seconds.put(stage, nanosByStage.getOrDefault(stage, 0L) / 1e9);
        }
        return new Usage(seconds, processNanos() / 1e9);
    }

    /** One stage's CPU seconds so far (for a monotonic metric). */
    public double seconds(Stage stage) {
        return usage().secondsByStage().get(stage);
    }

    private void sample() {
        Map<Long, Long> seen = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
            if (info == null) {
                continue; // ended since the ids were listed
            }
            Optional<Stage> stage = Stage.of(info.getThreadName());
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (stage.isEmpty() || nanos < 0) {
                continue;
            }
            long grown = nanos - lastNanosByThread.getOrDefault(info.getThreadId(), 0L);
            nanosByStage.merge(stage.get(), Math.max(0, grown), Long::sum);
            seen.put(info.getThreadId(), nanos);
        }
        lastNanosByThread.clear();
        lastNanosByThread.putAll(seen);
    }

    private static long processNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    /**
     * The processors this process may run on, as Linux lists them ("0-1", "0,2"), or empty where
     * {@code /proc/self/status} does not say.
     */
    public static String cpusAllowed() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("Cpus_allowed_list:"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElse("");
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    /** The processors of a Linux list ("0-2,5" is 0, 1, 2 and 5); empty for an empty list. */
    public static java.util.SortedSet<Integer> processors(String list) {
        java.util.SortedSet<Integer> processors = new java.util.TreeSet<>();
        for (String part : list.split(",")) {
            String range = part.trim();
            if (range.isEmpty()) {
                continue;
            }
            int dash = range.indexOf('-');
            int first = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
            int last = dash < 0 ? first : Integer.parseInt(range.substring(dash + 1));
            for (int processor = first; processor <= last; processor++) {
                processors.add(processor);
            }
        }
        return processors;
    }
}

package dev.chorus.drills;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.chorus.proto.v1.CpuTimeRequest;
import dev.chorus.proto.v1.CpuTimeResponse;
import dev.chorus.proto.v1.MeasureServingCoreRequest;
import dev.chorus.proto.v1.MeasureServingCoreResponse;
import dev.chorus.proto.v1.MeasureThroughputRequest;
import dev.chorus.proto.v1.MeasureThroughputResponse;
import dev.chorus.proto.v1.ServedModel;
import dev.chorus.proto.v1.ServingAdminGrpc;
import dev.chorus.proto.v1.SetBatchingRequest;
import dev.chorus.serving.ServingCpu;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

/**
 * Benchmark, not a unit test: against a running Chorus, prints an ensemble's in-process batched
 * throughput (the limit, measured inside the server; also with two batches at once), the same
 * server's serving core driven by 32 in-process callers (decoding, batching, answers; no gRPC),
 * then gRPC Classify throughput and p50/p99 latency at 1, 8 and 32 concurrent clients with
 * batching on and off, and the targets;
 * and where the CPU went per image, in-process and at 32 clients (server stages and this client),
 * which is what bounds served throughput when client and server share the machine's cores. It
 * says first whether they do: the server's processors (its CPU affinity) against its own.
 * Arguments: host:port ensemble [seconds per level 10] [interleaved rounds 6].
 *
 * <p>Run: see README ("Serving benchmark").
 */
public final class ServingBenchmark {

    private ServingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String[] hostPort = args[0].split(":");
        String ensemble = args[1];
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 10;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        ManagedChannel channel = ManagedChannelBuilder.forAddress(hostPort[0], Integer.parseInt(hostPort[1]))
                .usePlaintext().directExecutor().build();
        ServingAdminGrpc.ServingAdminBlockingStub admin = ServingAdminGrpc.newBlockingStub(channel);
        try (LoadGenerator load = new LoadGenerator(args[0], ensemble)) {
            warmUp(load);
            load.run(1, 3);
            String placement = placement(admin.cpuTime(CpuTimeRequest.getDefaultInstance()));
            say(placement);
            ServedModel model = admin.setBatching(SetBatchingRequest.newBuilder().setEnsemble(ensemble).build());
            int batch = model.getMaxBatchSize();
            say("ensemble " + ensemble + " version " + model.getCurrentVersion() + ", members " + model.getMembersList()
                    + "; batching max " + batch + ", delay " + model.getMaxBatchDelayMs() + " ms");
            CpuSample beforeLimit = CpuSample.now(admin);
            MeasureThroughputResponse limit = inProcessLimit(admin, ensemble, batch, seconds);
            CpuSample afterLimit = CpuSample.now(admin);
            say(String.format("in-process, batch %d: %.1f img/s; one image alone p50 %.2f ms", limit.getBatchSize(),
                    limit.getImagesPerSecond(), limit.getSingleImageP50Ms()));
            double twoAtOnce = inProcess(admin, ensemble, batch, seconds, 2);
            say(String.format("in-process, two batches of %d at once: %.1f img/s, %.2fx one at a time (what the same"
                    + " member threads give when requests for several batches wait)", batch, twoAtOnce,
                    twoAtOnce / limit.getImagesPerSecond()));
            CpuSample beforeCore = CpuSample.now(admin);
            MeasureServingCoreResponse core = servingCore(admin, ensemble, seconds);
            CpuSample afterCore = CpuSample.now(admin);
            say(String.format("in-process through the serving core, 32 callers (decoding, batching, answers; no gRPC):"
                    + " %.1f img/s, p50 %.2f ms, p99 %.2f ms, mean batch %.1f; %.2f of the limit",
                    core.getImagesPerSecond(), core.getP50Ms(), core.getP99Ms(), core.getMeanBatch(),
                    core.getImagesPerSecond() / limit.getImagesPerSecond()));
            load.run(1, 2);

            Map<String, LoadGenerator.Result> results = new LinkedHashMap<>();
            CpuSample beforeServed = null;
            CpuSample afterServed = null;
            for (int clients : List.of(1, 8, 32)) {
                beforeServed = CpuSample.now(admin);
                results.put("on " + clients, report("batching on ", load.run(clients, seconds)));
                afterServed = CpuSample.now(admin);
            }
            CpuSample beforeStream = CpuSample.now(admin);
            results.put("stream 32", report("streaming   ", load.run(32, seconds, LoadGenerator.Mode.STREAM)));
            CpuSample afterStream = CpuSample.now(admin);
            say("CPU per image in µs, in-process: " + afterLimit.perImageSince(beforeLimit, limit.getImagesPerSecond()));
            say("CPU per image in µs, serving core, 32 callers: " + afterCore.perImageSince(beforeCore,
                    core.getImagesPerSecond()));
            say("CPU per image in µs, 32 clients: " + afterServed.perImageSince(beforeServed,
                    results.get("on 32").imagesPerSecond()));
            say("CPU per image in µs, 32 streams: " + afterStream.perImageSince(beforeStream,
                    results.get("stream 32").imagesPerSecond()));
            Interleaved ratios = interleaved(admin, load, model, seconds / 2, rounds);
            setBatching(admin, ensemble, 1, 0.001, model.getQueueCapacity());
            for (int clients : List.of(1, 8, 32)) {
                results.put("off " + clients, report("batching off", load.run(clients, seconds)));
            }
            setBatching(admin, ensemble, batch, model.getMaxBatchDelayMs(), model.getQueueCapacity());

            double served = results.get("on 32").imagesPerSecond();
            say(String.format("targets: served/in-process at 32 clients %.2f interleaved (>= 0.9; levels above: %.2f;"
                    + " 32 streams %.2f interleaved; against two batches at once %.2f; serving core alone ÷ in-process"
                    + " %.2f and 32 clients ÷ serving core %.2f, interleaved); p50 at 1 client over the in-process single"
                    + " image +%.2f ms interleaved (median of rounds; <= 1; levels above: %.2f ms vs %.2f ms, %+.2f ms);"
                    + " batching on/off at 32 clients %.2fx interleaved (>= 2; levels above: %.2fx)",
                    ratios.unary(), served / limit.getImagesPerSecond(), ratios.stream(), ratios.unaryVsTwoAtOnce(),
                    ratios.coreVsLimit(), ratios.unaryVsCore(), ratios.oneClientOverSingleMs(),
                    results.get("on 1").p50Millis(), limit.getSingleImageP50Ms(),
                    results.get("on 1").p50Millis() - limit.getSingleImageP50Ms(),
                    ratios.batchingOnVsOff(), served / results.get("off 32").imagesPerSecond()));
            say("(" + placement + ")");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Load until served throughput settles: at least 90 s, then until three 5 s windows in a row
     * are within 5% of each other (perf_analyzer's stability rule), at most three minutes. On one
     * processor the server's JIT takes over a minute at 32 clients before it stops compiling
     * (throughput climbed from 920 to 1,710 img/s over 90 s), and the stability rule alone stopped
     * at 48 s with windows of 1,046-1,069 img/s while the next minute still rose to ~1,160.
     */
    private static void warmUp(LoadGenerator load) throws InterruptedException {
        List<Double> windows = new ArrayList<>();
        long start = System.nanoTime();
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(180)) {
            windows.add(load.run(32, 5).imagesPerSecond());
            boolean longEnough = System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(90);
            if (longEnough && windows.size() >= 3) {
                List<Double> last = windows.subList(windows.size() - 3, windows.size());
                if (Collections.max(last) <= 1.05 * Collections.min(last)) {
                    break;
                }
            }
        }
        say(String.format("warmed up in %.0f s at 32 clients (img/s per 5 s window: %s)",
                (System.nanoTime() - start) / 1e9, windows.stream().map(w -> String.format("%.0f", w)).toList()));
    }

    /**
     * Where the server and this load generator run: on processors of their own, or sharing them,
     * when the load generator's CPU (the "client" figures) comes out of the server's throughput.
     */
    private static String placement(CpuTimeResponse server) {
        String own = ServingCpu.cpusAllowed();
        String where = String.format("server: %d processors (CPUs %s); load generator: %d (CPUs %s)",
                server.getAvailableProcessors(), orUnknown(server.getCpusAllowed()),
                Runtime.getRuntime().availableProcessors(), orUnknown(own));
        if (server.getCpusAllowed().isEmpty() || own.isEmpty()) {
            return where + "; whether they share processors is unknown";
        }
        java.util.Set<Integer> shared = new java.util.TreeSet<>(ServingCpu.processors(own));
        shared.retainAll(ServingCpu.processors(server.getCpusAllowed()));
        return where + (shared.isEmpty() ? "; separate processors"
                : "; sharing CPUs " + shared + ": the load generator's CPU comes out of the server's throughput");
    }

    private static String orUnknown(String cpus) {
        return cpus.isEmpty() ? "unknown" : cpus;
    }

    /**
     * Ratios at 32 clients over all interleaved rounds: unary calls and streams ÷ in-process, unary
     * ÷ two batch loops, the serving core alone ÷ in-process, and unary ÷ the serving core (what
     * gRPC costs).
     */
    private record Interleaved(double unary, double stream, double unaryVsTwoAtOnce, double coreVsLimit,
            double unaryVsCore, double oneClientOverSingleMs, double batchingOnVsOff) {
    }

    /**
     * Served ÷ in-process at 32 clients measured in alternation (in-process, unary, streams, and
     * again), so that both sides of each ratio see the same machine: on shared machines the speed
     * drifts by 10% and more over minutes, more than the difference being measured. Each ratio is
     * taken over all rounds (images served ÷ images in-process, each side summed over the same
     * rounds): a mean of per-round ratios would read high when the denominators swing, as a single
     * processor's do by ±20% from one phase to the next.
     */
    private static Interleaved interleaved(ServingAdminGrpc.ServingAdminBlockingStub admin, LoadGenerator load,
            ServedModel model, double seconds, int rounds) throws InterruptedException {
        String ensemble = model.getEnsemble();
        int batch = model.getMaxBatchSize();
        double[] limit = new double[rounds];
        double[] twoAtOnce = new double[rounds];
        double[] core = new double[rounds];
        double[] unary = new double[rounds];
        double[] stream = new double[rounds];
        double[] oneClientOverSingle = new double[rounds];
        double[] unbatched = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            MeasureThroughputResponse measured = measure(admin, ensemble, batch, seconds, 0);
            limit[round] = measured.getImagesPerSecond();
            twoAtOnce[round] = inProcess(admin, ensemble, batch, seconds, 2);
            core[round] = servingCore(admin, ensemble, seconds).getImagesPerSecond();
            unary[round] = load.run(32, seconds).imagesPerSecond();
            stream[round] = load.run(32, seconds, LoadGenerator.Mode.STREAM).imagesPerSecond();
            oneClientOverSingle[round] = load.run(1, seconds).p50Millis() - measured.getSingleImageP50Ms();
            setBatching(admin, ensemble, 1, 0.001, model.getQueueCapacity());
            unbatched[round] = load.run(32, seconds).imagesPerSecond();
            setBatching(admin, ensemble, batch, model.getMaxBatchDelayMs(), model.getQueueCapacity());
        }
        double[] sortedGaps = oneClientOverSingle.clone();
        java.util.Arrays.sort(sortedGaps);
        double medianGap = (sortedGaps[(rounds - 1) / 2] + sortedGaps[rounds / 2]) / 2;
        say(String.format("interleaved, %d rounds of %.0f s each (over all rounds; per round: range): 32 clients ÷"
                + " in-process %s; 32 streams ÷ in-process %s; 32 clients ÷ in-process with two batches at once %s;"
                + " serving core alone (32 in-process callers) ÷ in-process %s; 32 clients ÷ serving core %s;"
                + " batching on ÷ off at 32 clients %s; p50 at 1 client over the in-process single image, ms: median"
                + " %+.2f, per round %s", rounds, seconds, summary(unary, limit), summary(stream, limit),
                summary(unary, twoAtOnce), summary(core, limit), summary(unary, core), summary(unary, unbatched),
                medianGap, java.util.Arrays.stream(oneClientOverSingle).mapToObj(gap -> String.format("%+.2f", gap))
                        .toList()));
        return new Interleaved(overAll(unary, limit), overAll(stream, limit), overAll(unary, twoAtOnce),
                overAll(core, limit), overAll(unary, core), medianGap, overAll(unary, unbatched));
    }

    private static void setBatching(ServingAdminGrpc.ServingAdminBlockingStub admin, String ensemble, int maxBatch,
            double maxDelayMs, int queueCapacity) {
        admin.setBatching(SetBatchingRequest.newBuilder().setEnsemble(ensemble).setMaxBatchSize(maxBatch)
                .setMaxDelayMs(maxDelayMs).setQueueCapacity(queueCapacity).build());
    }

    /** 32 closed-loop callers through the server's serving core, in-process (the served path but gRPC). */
    private static MeasureServingCoreResponse servingCore(ServingAdminGrpc.ServingAdminBlockingStub admin,
            String ensemble, double seconds) {
        return admin.withDeadlineAfter(120, TimeUnit.SECONDS).measureServingCore(MeasureServingCoreRequest.newBuilder()
                .setEnsemble(ensemble).setCallers(32).setSeconds(seconds).build());
    }

    /** Σ measured ÷ Σ reference, over the same rounds of equal length. */
    private static double overAll(double[] measured, double[] reference) {
        return java.util.Arrays.stream(measured).sum() / java.util.Arrays.stream(reference).sum();
    }

    /** In-process img/s with the given batch loops at once (0: as the version serves, one per batch worker). */
    private static double inProcess(ServingAdminGrpc.ServingAdminBlockingStub admin, String ensemble, int batch,
            double seconds, int concurrentBatches) {
        return measure(admin, ensemble, batch, seconds, concurrentBatches).getImagesPerSecond();
    }

    /** In-process img/s, and the p50 of one image alone measured before it. */
    private static MeasureThroughputResponse measure(ServingAdminGrpc.ServingAdminBlockingStub admin, String ensemble,
            int batch, double seconds, int concurrentBatches) {
        return admin.withDeadlineAfter(120, TimeUnit.SECONDS).measureThroughput(MeasureThroughputRequest.newBuilder()
                .setEnsemble(ensemble).setBatchSize(batch).setSeconds(seconds).setConcurrentBatches(concurrentBatches)
                .build());
    }

    private static String summary(double[] measured, double[] reference) {
        var perRound = java.util.stream.IntStream.range(0, measured.length)
                .mapToDouble(round -> measured[round] / reference[round]).summaryStatistics();
        return String.format("%.2f (%.2f-%.2f)", overAll(measured, reference), perRound.getMin(), perRound.getMax());
    }

    /** The better of two in-process measurements: the limit is the best the machine does. */
    private static MeasureThroughputResponse inProcessLimit(ServingAdminGrpc.ServingAdminBlockingStub admin,
            String ensemble, int batch, double seconds) {
        MeasureThroughputResponse best = null;
        List<String> runs = new ArrayList<>();
        for (int attempt = 0; attempt < 2; attempt++) {
            MeasureThroughputResponse measured = admin.withDeadlineAfter(120, TimeUnit.SECONDS).measureThroughput(
                    MeasureThroughputRequest.newBuilder().setEnsemble(ensemble).setBatchSize(batch)
                            .setSeconds(seconds).build());
            runs.add(String.format("%.1f", measured.getImagesPerSecond()));
            if (best == null || measured.getImagesPerSecond() > best.getImagesPerSecond()) {
                best = measured;
            }
        }
        say("in-process runs (img/s): " + String.join(", ", runs) + "; the better one is the limit");
        return best;
    }

    /** CPU used so far by the server's stages and process, and by this (client) process. */
    private record CpuSample(CpuTimeResponse server, long clientNanos, long wallNanos) {

        static CpuSample now(ServingAdminGrpc.ServingAdminBlockingStub admin) {
            long client = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime();
            return new CpuSample(admin.cpuTime(CpuTimeRequest.getDefaultInstance()), client, System.nanoTime());
        }

        /**
         * CPU per image over the interval: cores used (CPU time ÷ wall time) ÷ images per second,
         * by server stage, the rest of the server process (GC, JIT, native threads), and the client.
         */
        String perImageSince(CpuSample before, double imagesPerSecond) {
            double wall = (wallNanos - before.wallNanos) / 1e9;
            StringBuilder line = new StringBuilder();
            double stages = 0;
            for (Map.Entry<String, Double> stage : new java.util.TreeMap<>(server.getSecondsByStageMap()).entrySet()) {
                double used = stage.getValue() - before.server.getSecondsByStageOrDefault(stage.getKey(), 0);
                stages += used;
                if (used >= 0.5e-6 * wall * imagesPerSecond) { // shows stages that used at least 0.5 µs per image
                    line.append(String.format("%s %.0f, ", stage.getKey(), used / wall / imagesPerSecond * 1e6));
                }
            }
            double process = server.getProcessSeconds() - before.server.getProcessSeconds();
            double client = (clientNanos - before.clientNanos) / 1e9;
            return line.append(String.format("server other (GC, JIT, the probe's head) %.0f, client %.0f; cores busy: server %.2f, client %.2f",
                    (process - stages) / wall / imagesPerSecond * 1e6, client / wall / imagesPerSecond * 1e6,
                    process / wall, client / wall)).toString();
        }
    }

    private static LoadGenerator.Result report(String mode, LoadGenerator.Result result) {
        say(mode + " " + result);
        return result;
    }

    private static void say(String line) {
        System.out.println("[serving-benchmark] " + line);
    }
}

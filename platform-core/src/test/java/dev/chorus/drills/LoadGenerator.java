package dev.chorus.drills;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.imageio.ImageIO;

import com.google.protobuf.ByteString;

import dev.chorus.proto.v1.ClassifierGrpc;
import dev.chorus.proto.v1.ClassifyRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A load generator for chorus.v1.Classifier: N clients (threads, one shared channel) classify
 * 28×28 PNGs back to back for a while and report throughput and latency percentiles.
 * Arguments: host:port ensemble [clients 8] [seconds 10].
 */
public final class LoadGenerator {

    /** What one load level achieved. */
    public record Result(int clients, long answered, double seconds, double imagesPerSecond, double p50Millis,
            double p99Millis, java.util.Map<Status.Code, Integer> errors) {

        @Override
        public String toString() {
            return String.format("%3d clients: %8.1f img/s  p50 %7.2f ms  p99 %7.2f ms  (%d answered%s)", clients,
                    imagesPerSecond, p50Millis, p99Millis, answered, errors.isEmpty() ? "" : ", errors " + errors);
        }
    }

    private final ManagedChannel channel;
    private final String ensemble;
    private final List<ByteString> images = new ArrayList<>();

    public LoadGenerator(ManagedChannel channel, String ensemble) throws IOException {
        this.channel = channel;
        this.ensemble = ensemble;
        Random random = new Random(1);
        for (int i = 0; i < 64; i++) {
            BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    image.getRaster().setSample(x, y, 0, random.nextInt(256));
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            images.add(ByteString.copyFrom(out.toByteArray()));
        }
    }

    /** Runs {@code clients} closed-loop clients for a warm-up second, then measures for {@code seconds}. */
    public Result run(int clients, double seconds) throws InterruptedException {
        long warmUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        long until = warmUntil + (long) (seconds * 1e9);
        List<long[]> perClient = new ArrayList<>();
        ConcurrentHashMap<Status.Code, Integer> errors = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            long[] latencies = new long[2_000_000];
            perClient.add(latencies);
            threads.add(Thread.ofPlatform().start(() -> {
                ClassifierGrpc.ClassifierBlockingStub stub = ClassifierGrpc.newBlockingStub(channel);
                int count = 0;
                while (System.nanoTime() < until) {
                    ClassifyRequest request = ClassifyRequest.newBuilder().setEnsemble(ensemble).setTopK(1)
                            .setImage(images.get(next.getAndIncrement() & 63)).build();
                    long start = System.nanoTime();
                    try {
                        stub.withDeadlineAfter(30, TimeUnit.SECONDS).classify(request);
                        long end = System.nanoTime();
                        if (start >= warmUntil && end <= until && count < latencies.length - 1) {
                            latencies[++count] = end - start;
                        }
                    } catch (StatusRuntimeException e) {
                        errors.merge(e.getStatus().getCode(), 1, Integer::sum);
                    }
                }
                latencies[0] = count;
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long total = perClient.stream().mapToLong(l -> l[0]).sum();
        long[] all = new long[(int) total];
        int at = 0;
        for (long[] latencies : perClient) {
            System.arraycopy(latencies, 1, all, at, (int) latencies[0]);
            at += (int) latencies[0];
        }
        Arrays.sort(all);
        return new Result(clients, total, seconds, total / seconds, percentile(all, 0.50), percentile(all, 0.99),
                errors);
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)] / 1e6;
    }

    public static void main(String[] args) throws Exception {
        String[] hostPort = args[0].split(":");
        ManagedChannel channel = ManagedChannelBuilder.forAddress(hostPort[0], Integer.parseInt(hostPort[1]))
                .usePlaintext().build();
        try {
            LoadGenerator load = new LoadGenerator(channel, args[1]);
            System.out.println(load.run(args.length > 2 ? Integer.parseInt(args[2]) : 8,
                    args.length > 3 ? Double.parseDouble(args[3]) : 10));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}

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

import javax.imageio.ImageIO;

import com.google.protobuf.ByteString;

import dev.chorus.proto.v1.ClassifierGrpc;
import dev.chorus.proto.v1.ClassifyRequest;
import dev.chorus.proto.v1.ClassifyResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * A load generator for chorus.v1.Classifier: N closed-loop clients (one shared channel) classify
 * 28×28 PNGs back to back for a while and report throughput and latency percentiles.
 * Arguments: host:port ensemble [clients 8] [seconds 10] [unary|stream].
 */
public final class LoadGenerator implements AutoCloseable {

    /** What one load level achieved. */
    public record Result(int clients, long answered, double seconds, double imagesPerSecond, double p50Millis,
            double p99Millis, double meanBatch, java.util.Map<Status.Code, Integer> errors) {

        @Override
        public String toString() {
            return String.format("%3d clients: %8.1f img/s  p50 %7.2f ms  p99 %7.2f ms  mean batch %4.1f  (%d answered%s)",
                    clients, imagesPerSecond, p50Millis, p99Millis, meanBatch, answered,
                    errors.isEmpty() ? "" : ", errors " + errors);
        }
    }

    private final List<ClassifyRequest> requests = new ArrayList<>();
    /**
     * One connection shared by the clients, as gRPC benchmark tools do by default (ghz, Triton's
     * perf_analyzer): concurrent calls multiplexed on one HTTP/2 connection.
     */
    private final ManagedChannel channel;

    /** {@code target}: host:port of the Classifier service. */
    public LoadGenerator(String target, String ensemble) throws IOException {
        this.channel = ManagedChannelBuilder.forTarget(target).usePlaintext().directExecutor().build();
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
            requests.add(ClassifyRequest.newBuilder().setEnsemble(ensemble).setTopK(1)
                    .setImage(ByteString.copyFrom(out.toByteArray())).build());
        }
    }

    /** How each closed-loop client calls the server. */
    public enum Mode {
        /** One Classify call per image. */
        UNARY,
        /** One ClassifyStream call per client, carrying all its images one after another. */
        STREAM
    }

    /** Runs unary clients; see {@link #run(int, double, Mode)}. */
    public Result run(int clients, double seconds) throws InterruptedException {
        return run(clients, seconds, Mode.UNARY);
    }

    /**
     * Runs {@code clients} closed-loop clients for a warm-up second, then measures for {@code seconds}.
     * Each client is a chain of asynchronous calls (the next sent from the callback of the last, on
     * the network thread): the generator spends as little CPU as it
     * can, which matters when it shares the machine with the server it measures.
     */
    public Result run(int clients, double seconds, Mode mode) throws InterruptedException {
        long warmUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        long until = warmUntil + (long) (seconds * 1e9);
        ConcurrentHashMap<Status.Code, Integer> errors = new ConcurrentHashMap<>();
        List<Client> all = new ArrayList<>();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            Client client = mode == Mode.UNARY ? new UnaryClient(c, warmUntil, until, errors, done)
                    : new StreamClient(c, warmUntil, until, errors, done);
            all.add(client);
            client.send();
        }
        done.await();
        long total = all.stream().mapToLong(client -> client.count).sum();
        long[] latencies = new long[(int) total];
        int at = 0;
        for (Client client : all) {
            System.arraycopy(client.latencies, 0, latencies, at, client.count);
            at += client.count;
        }
        Arrays.sort(latencies);
        double meanBatch = all.stream().mapToLong(client -> client.batchSizes).sum() / (double) Math.max(1, total);
        return new Result(clients, total, seconds, total / seconds, percentile(latencies, 0.50),
                percentile(latencies, 0.99), meanBatch, errors);
    }

    /** One closed-loop client: sends its next image when the last is answered, until its time is up. */
    private abstract class Client {
        private final long warmUntil;
        private final long until;
        private final ConcurrentHashMap<Status.Code, Integer> errors;
        private final java.util.concurrent.CountDownLatch done;
        /**
         * Grown as needed: preallocating for the worst case (8 MB per client) made each young
         * collection of the generator copy hundreds of MB, pausing every client for milliseconds
         * while the server it measures sat idle.
         */
        private long[] latencies = new long[1024];
        private int next;
        private int count;
        private long batchSizes;
        private long started;

        Client(int first, long warmUntil, long until, ConcurrentHashMap<Status.Code, Integer> errors,
                java.util.concurrent.CountDownLatch done) {
            this.next = first;
            this.warmUntil = warmUntil;
            this.until = until;
            this.errors = errors;
            this.done = done;
        }

        /** Sends the next image, or finishes when the time is up. */
        final void send() {
            started = System.nanoTime();
            if (started >= until) {
                finish();
                done.countDown();
                return;
            }
            send(requests.get(next++ & 63));
        }

        abstract void send(ClassifyRequest request);

        /** Ends what the client holds open. */
        void finish() {
        }

        final void answered(ClassifyResponse response) {
            long end = System.nanoTime();
            if (started >= warmUntil && end <= until) {
                if (count == latencies.length) {
                    latencies = Arrays.copyOf(latencies, count * 2);
                }
                latencies[count++] = end - started;
                batchSizes += response.getTimings().getBatchSize();
            }
        }

        final void failed(Throwable failure) {
            errors.merge(Status.fromThrowable(failure).getCode(), 1, Integer::sum);
        }
    }

    private final class UnaryClient extends Client implements StreamObserver<ClassifyResponse> {
        private final ClassifierGrpc.ClassifierStub stub = ClassifierGrpc.newStub(channel);

        UnaryClient(int first, long warmUntil, long until, ConcurrentHashMap<Status.Code, Integer> errors,
                java.util.concurrent.CountDownLatch done) {
            super(first, warmUntil, until, errors, done);
        }

        @Override
        void send(ClassifyRequest request) {
            stub.withDeadlineAfter(30, TimeUnit.SECONDS).classify(request, this);
        }

        @Override
        public void onNext(ClassifyResponse response) {
            answered(response);
        }

        @Override
        public void onError(Throwable failure) {
            failed(failure);
            send();
        }

        @Override
        public void onCompleted() {
            send();
        }
    }

    /**
     * A client on one long call: each image is a message on it, so the per-call costs (headers,
     * trailers, a new HTTP/2 stream) are paid once. An error ends the call; the client opens another.
     */
    private final class StreamClient extends Client implements StreamObserver<ClassifyResponse> {
        private final ClassifierGrpc.ClassifierStub stub = ClassifierGrpc.newStub(channel);
        private StreamObserver<ClassifyRequest> call;

        StreamClient(int first, long warmUntil, long until, ConcurrentHashMap<Status.Code, Integer> errors,
                java.util.concurrent.CountDownLatch done) {
            super(first, warmUntil, until, errors, done);
        }

        @Override
        void send(ClassifyRequest request) {
            if (call == null) {
                call = stub.classifyStream(this);
            }
            call.onNext(request);
        }

        @Override
        void finish() {
            if (call != null) {
                call.onCompleted();
                call = null;
            }
        }

        @Override
        public void onNext(ClassifyResponse response) {
            answered(response);
            send();
        }

        @Override
        public void onError(Throwable failure) {
            failed(failure);
            call = null;
            send();
        }

        @Override
        public void onCompleted() {
            call = null;
        }
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)] / 1e6;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    public static void main(String[] args) throws Exception {
        try (LoadGenerator load = new LoadGenerator(args[0], args[1])) {
            System.out.println(load.run(args.length > 2 ? Integer.parseInt(args[2]) : 8,
                    args.length > 3 ? Double.parseDouble(args[3]) : 10,
                    args.length > 4 ? Mode.valueOf(args[4].toUpperCase(java.util.Locale.ROOT)) : Mode.UNARY));
        }
    }
}

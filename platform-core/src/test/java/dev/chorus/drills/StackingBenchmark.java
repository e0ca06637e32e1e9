package dev.chorus.drills;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.chorus.proto.v1.Backbone;
import dev.chorus.proto.v1.BackboneRegistryGrpc;
import dev.chorus.proto.v1.EnsembleVersion;
import dev.chorus.proto.v1.EnsemblesGrpc;
import dev.chorus.proto.v1.EpochMetrics;
import dev.chorus.proto.v1.GetRunRequest;
import dev.chorus.proto.v1.GetVersionRequest;
import dev.chorus.proto.v1.ListBackbonesRequest;
import dev.chorus.proto.v1.ListRunsRequest;
import dev.chorus.proto.v1.MemberScore;
import dev.chorus.proto.v1.Run;
import dev.chorus.proto.v1.RunDetails;
import dev.chorus.proto.v1.RunState;
import dev.chorus.proto.v1.RunsGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Benchmark, not a unit test: the whole seed recipe on Fashion-MNIST in a fresh Chorus. Starts the
 * packaged app with the first-run demo switched on (three builtin backbones pretrained, then
 * stacked), waits for the version, and prints each member's test accuracy, the stacked
 * ensemble's, the averaging baseline's, each phase's wall time and how much faster a head epoch
 * on cached features is than an end-to-end epoch. Settings: -Dbenchmark.pretrain-epochs (6),
 * -Dbenchmark.augment (true), -Dbenchmark.head-units (256), -Dbenchmark.head-epochs (60).
 *
 * <p>Run: see README ("Stacking benchmark").
 */
public final class StackingBenchmark {

    private static final String ENSEMBLE = "benchmark";

    private StackingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        Path home = Files.createTempDirectory("chorus-stacking-benchmark");
        String epochs = System.getProperty("benchmark.pretrain-epochs", "6");
        say("Chorus: " + jar + ", data in " + home + "; pretraining " + epochs + " epochs per backbone");
        long started = System.nanoTime();
        Process chorus = ChorusProcess.start(jar, home, "chorus", List.of("-Dchorus.demo.ensemble.name=" + ENSEMBLE,
                "-Dchorus.demo.ensemble.pretrain-epochs=" + epochs,
                "-Dchorus.demo.ensemble.pretrain-augment=" + System.getProperty("benchmark.augment", "true"),
                "-Dchorus.demo.ensemble.head-hidden-units=" + System.getProperty("benchmark.head-units", "256"),
                "-Dchorus.demo.ensemble.head-epochs=" + System.getProperty("benchmark.head-epochs", "60")));
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", ChorusProcess.GRPC_PORT).usePlaintext()
                .build();
        try {
            EnsembleVersion version = await(channel, started);
            double wall = (System.nanoTime() - started) / 1e9;
            report(channel, version, wall);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            chorus.destroy();
            chorus.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private static EnsembleVersion await(ManagedChannel channel, long started) throws InterruptedException {
        EnsemblesGrpc.EnsemblesBlockingStub ensembles = EnsemblesGrpc.newBlockingStub(channel);
        RunsGrpc.RunsBlockingStub runs = RunsGrpc.newBlockingStub(channel);
        long nextReport = 0;
        while (System.nanoTime() - started < Duration.ofMinutes(90).toNanos()) {
            try {
                return ensembles.withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getVersion(GetVersionRequest.newBuilder().setEnsemble(ENSEMBLE).build());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    throw e;
                }
            }
            List<Run> all = runs.listRuns(ListRunsRequest.newBuilder().build()).getRunsList();
            for (Run run : all) {
                if (run.getState() == RunState.RUN_STATE_FAILED) {
                    throw new IllegalStateException("run " + run.getId() + " failed: " + run.getError());
                }
            }
            if (System.nanoTime() > nextReport) {
                all.stream().filter(r -> r.getState() == RunState.RUN_STATE_RUNNING).forEach(r -> say(String.format(
                        "%4.0f s: run %d %s %s, %s %.0f%%", (System.nanoTime() - started) / 1e9, r.getId(), r.getKind(),
                        r.getParametersOrDefault("architecture", r.getEnsemble()), r.getProgress().getPhase(),
                        r.getProgress().getFraction() * 100)));
                nextReport = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            }
            Thread.sleep(2000);
        }
        throw new IllegalStateException("no version within 90 minutes");
    }

    private static void report(ManagedChannel channel, EnsembleVersion version, double wall) {
        RunsGrpc.RunsBlockingStub runs = RunsGrpc.newBlockingStub(channel);
        List<Backbone> backbones = BackboneRegistryGrpc.newBlockingStub(channel)
                .listBackbones(ListBackbonesRequest.getDefaultInstance()).getBackbonesList();
        say("");
        say("phase                                   wall time   epochs  s/epoch  end-to-end test acc");
        double endToEndEpochSum = 0;
        double fastestEndToEndEpoch = Double.MAX_VALUE;
        List<Run> pretrains = new ArrayList<>(runs.listRuns(ListRunsRequest.newBuilder().build()).getRunsList()
                .stream().filter(r -> r.getKind().equals("pretrain-backbone")).toList());
        pretrains.sort((a, b) -> Long.compare(a.getId(), b.getId()));
        for (Run run : pretrains) {
            RunDetails details = runs.getRun(GetRunRequest.newBuilder().setId(run.getId()).build());
            double perEpoch = details.getEpochsList().stream().mapToDouble(EpochMetrics::getSeconds).average().orElse(0);
            endToEndEpochSum += perEpoch;
            fastestEndToEndEpoch = Math.min(fastestEndToEndEpoch, perEpoch);
            double accuracy = backbones.stream().filter(b -> b.hasLineage() && b.getLineage().getRunId() == run.getId())
                    .mapToDouble(b -> b.getLineage().getTestAccuracy()).findFirst().orElse(Double.NaN);
            say(String.format("pretrain %-30s %8.0f s   %6d  %7.1f  %.4f", run.getParametersOrThrow("architecture"),
                    seconds(run), details.getEpochsCount(), perEpoch, accuracy));
        }
        Map<String, Double> phases = version.getTraining().getPhaseSecondsMap();
        say(String.format("stack: feature extraction (3 members)   %8.1f s", phases.getOrDefault("features", 0.0)));
        say(String.format("stack: head training                    %8.1f s   %6d  %7.3f", phases.getOrDefault("head", 0.0),
                version.getTraining().getEpochsRun(), version.getTraining().getHeadEpochSeconds()));
        say(String.format("stack: evaluation (incl. member heads)  %8.1f s", phases.getOrDefault("evaluate", 0.0)));
        say(String.format("whole pipeline (start to version)       %8.0f s = %.1f min", wall, wall / 60));
        say("");
        say("test accuracy (" + version.getEvaluation().getSamples() + " images)");
        double best = 0;
        for (MemberScore member : version.getEvaluation().getMembersList()) {
            say(String.format("  %-28s %.4f", member.getBackbone() + " alone", member.getScore().getAccuracy()));
            best = Math.max(best, member.getScore().getAccuracy());
        }
        double averaging = version.getEvaluation().getAveraging().getAccuracy();
        double stacked = version.getEvaluation().getEnsemble().getAccuracy();
        say(String.format("  %-28s %.4f", "averaging", averaging));
        say(String.format("  %-28s %.4f  (head: %d hidden units, best epoch %d of %d)", "stacked ensemble", stacked,
                version.getHead().getHiddenUnits(), version.getTraining().getBestEpoch(),
                version.getTraining().getEpochsRun()));
        double headEpoch = version.getTraining().getHeadEpochSeconds();
        say("");
        say(String.format("head epoch %.3f s; end-to-end epoch of the fastest member %.1f s (%.0fx), of all three"
                + " members %.1f s (%.0fx)", headEpoch, fastestEndToEndEpoch, fastestEndToEndEpoch / headEpoch,
                endToEndEpochSum, endToEndEpochSum / headEpoch));
        say(String.format("targets: stacked - best member = %+.2f pp (>= +0.5), stacked - averaging = %+.2f pp (> 0),"
                + " %.1f min (<= 30), accuracy %.4f (bar 0.94), head epoch vs an end-to-end epoch of the ensemble %.0fx,"
                + " of its fastest member %.0fx (>= 50)", (stacked - best) * 100, (stacked - averaging) * 100, wall / 60,
                stacked, endToEndEpochSum / headEpoch, fastestEndToEndEpoch / headEpoch));
    }

    private static double seconds(Run run) {
        return run.getFinishedAt().getSeconds() - run.getStartedAt().getSeconds()
                + (run.getFinishedAt().getNanos() - run.getStartedAt().getNanos()) / 1e9;
    }

    private static void say(String line) {
        System.out.println("[stacking-benchmark] " + line);
    }
}

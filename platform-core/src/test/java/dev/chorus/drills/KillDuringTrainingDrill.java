package dev.chorus.drills;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.chorus.proto.v1.DeviceRequest;
import dev.chorus.proto.v1.GetRunRequest;
import dev.chorus.proto.v1.RunDetails;
import dev.chorus.proto.v1.RunState;
import dev.chorus.proto.v1.RunsGrpc;
import dev.chorus.proto.v1.SubmitRunRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

/**
 * Fault drill, not a unit test: starts the packaged Chorus on a fresh embedded database, submits
 * a training run, kills the JVM with SIGKILL in the middle of it, starts Chorus again, and checks
 * that the run completes exactly once (one SUCCEEDED transition, on the second attempt, every
 * epoch recorded once). Prints what happened; exits non-zero if anything is off.
 *
 * <p>Run: see README ("Fault drill").
 */
public final class KillDuringTrainingDrill {

    private static final int GRPC_PORT = ChorusProcess.GRPC_PORT;
    private static final int EPOCHS = 30;

    private KillDuringTrainingDrill() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        Path home = Files.createTempDirectory("chorus-fault-drill");
        say("Chorus: " + jar + ", data in " + home);

        Process first = start(jar, home, "first");
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", GRPC_PORT).usePlaintext().build();
        RunsGrpc.RunsBlockingStub runs = RunsGrpc.newBlockingStub(channel);
        long id = runs.submitRun(SubmitRunRequest.newBuilder().setKind("tiny-mlp")
                .putParameters("epochs", Integer.toString(EPOCHS)).putParameters("steps", "300")
                .setDevice(DeviceRequest.DEVICE_REQUEST_CPU).build()).getId();
        say("submitted run " + id + " (" + EPOCHS + " epochs)");
        RunDetails running = awaitRun(runs, id, d -> d.getRun().getState() == RunState.RUN_STATE_RUNNING
                && d.getRun().getProgress().getEpoch() >= 3, 120);
        say("run " + id + " is RUNNING, epoch " + running.getRun().getProgress().getEpoch() + ", attempt "
                + running.getRun().getAttempt() + "; sending SIGKILL to pid " + first.pid());
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        Process second = start(jar, home, "second");
        RunDetails done = awaitRun(runs, id, d -> d.getRun().getState() == RunState.RUN_STATE_SUCCEEDED
                || d.getRun().getState() == RunState.RUN_STATE_FAILED, 300);
        say("run " + id + " is " + done.getRun().getState() + " after attempt " + done.getRun().getAttempt());
        done.getTransitionsList().forEach(t -> say("  " + t));
        long successes = done.getTransitionsList().stream().filter(t -> t.startsWith("RUNNING -> SUCCEEDED")).count();
        boolean ok = done.getRun().getState() == RunState.RUN_STATE_SUCCEEDED && successes == 1
                && done.getRun().getAttempt() == 2 && done.getEpochsCount() == EPOCHS;
        say("epochs recorded for the final attempt: " + done.getEpochsCount() + "; SUCCEEDED transitions: " + successes);
        channel.shutdownNow();
        second.destroy();
        second.waitFor(60, TimeUnit.SECONDS);
        say(ok ? "FAULT DRILL PASSED: the run completed exactly once" : "FAULT DRILL FAILED");
        System.exit(ok ? 0 : 1);
    }

    private static Process start(Path jar, Path home, String name) throws IOException, InterruptedException {
        Process process = ChorusProcess.start(jar, home, name, List.of("-Dchorus.datasets.demo.enabled=false",
                "-Dchorus.demo.ensemble.enabled=false", "-Dchorus.training.worker-id=drill-worker",
                "-Dchorus.training.lease=10s", "-Dchorus.training.heartbeat-interval=1s"));
        say("started Chorus (" + name + "), pid " + process.pid() + ", log " + home.resolve(name + ".log"));
        return process;
    }

    private static RunDetails awaitRun(RunsGrpc.RunsBlockingStub runs, long id,
            java.util.function.Predicate<RunDetails> condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            try {
                RunDetails details = runs.withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getRun(GetRunRequest.newBuilder().setId(id).build());
                if (condition.test(details)) {
                    return details;
                }
            } catch (io.grpc.StatusRuntimeException e) {
                // the server is (re)starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("run " + id + " did not get there within " + seconds + " s");
    }

    private static void say(String line) {
        System.out.println("[fault-drill] " + line);
    }
}

package dev.chorus.drills;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged Chorus started as its own process, everything it keeps under one home directory. */
final class ChorusProcess {

    static final int HTTP_PORT = 18080;
    static final int GRPC_PORT = 19000;

    private ChorusProcess() {
    }

    /** Starts Chorus and returns once its log says it is up; {@code properties} are extra -D settings. */
    static Process start(Path jar, Path home, String name, List<String> properties) throws IOException,
            InterruptedException {
        Path log = home.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dquarkus.http.port=" + HTTP_PORT, "-Dquarkus.grpc.server.port=" + GRPC_PORT,
                "-Dchorus.database.embedded.data-dir=" + home.resolve("postgres"),
                "-Dchorus.datasets.directory=" + home.resolve("datasets"),
                "-Dchorus.features.directory=" + home.resolve("features"),
                "-Dchorus.plugins.directory=" + home.resolve("plugins"),
                "-Dchorus.plugins.weights-directory=" + home.resolve("weights")));
        command.addAll(properties);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("OPT_OUT_TRACKING", "true");
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("is up (start #")) {
                return process;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("Chorus exited during start-up; see " + log);
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        throw new IllegalStateException("Chorus did not come up within 120 s; see " + log);
    }
}

package dev.chorus.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a probe's main method in a fresh JVM on the test class path: what is set up once per
 * process (MXNet's engine, malloc's thresholds) is seen as Chorus sees it when it starts.
 */
final class FreshJvm {

    private FreshJvm() {
    }

    /** What the probe printed (standard output and error). */
    static String run(Class<?> probe, List<String> arguments, Consumer<Map<String, String>> environment)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), probe.getName()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OPT_OUT_TRACKING", "true");
        environment.accept(builder.environment());
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(probe.getSimpleName() + " did not finish");
        }
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}

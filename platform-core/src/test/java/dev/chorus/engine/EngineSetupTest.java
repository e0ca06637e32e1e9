package dev.chorus.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * MXNet's engine is chosen before MXNet loads: each case runs in a fresh JVM, as Chorus starts
 * (the test JVM itself has MXNet loaded already).
 */
class EngineSetupTest {

    /**
     * The threaded engine starts a CPU worker and four priority workers on first use (7 threads
     * gained here); the naive engine none (2 gained here, none of them engine workers).
     */
    static final int ENGINE_WORKERS = 5;

    record Probe(String setup, int threadsGained) {
    }

    @Test
    void withoutAChoiceInTheEnvironmentMXNetRunsItsNaiveEngine() throws Exception {
        Probe probe = probe(null);
        assertTrue(probe.setup().contains("NaiveEngine (operators run on their calling threads)"), probe.setup());
        assertTrue(probe.threadsGained() < ENGINE_WORKERS, "no engine worker threads, gained " + probe.threadsGained());
    }

    @Test
    void anOperatorsOwnChoiceWins() throws Exception {
        Probe probe = probe("ThreadedEnginePerDevice");
        assertEquals("MXNet engine: ThreadedEnginePerDevice (from MXNET_ENGINE_TYPE)", probe.setup());
        assertTrue(probe.threadsGained() >= ENGINE_WORKERS, "the threaded engine starts its workers, gained "
                + probe.threadsGained());
    }

    private static Probe probe(String engine) throws IOException, InterruptedException {
        String output = FreshJvm.run(EngineProbe.class, List.of(), environment -> {
            environment.remove(EngineSetup.ENGINE_VARIABLE);
            if (engine != null) {
                environment.put(EngineSetup.ENGINE_VARIABLE, engine);
            }
        });
        Matcher setup = Pattern.compile("setup: (.*)").matcher(output);
        Matcher gained = Pattern.compile("threads gained: (-?\\d+)").matcher(output);
        assertTrue(setup.find() && gained.find(), output);
        return new Probe(setup.group(1).trim(), Integer.parseInt(gained.group(1)));
    }
}

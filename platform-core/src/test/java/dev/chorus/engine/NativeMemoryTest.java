package dev.chorus.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * A block MXNet frees is reused without being faulted in again: each case runs in a fresh JVM
 * (malloc's settings are per process).
 */
class NativeMemoryTest {

    /** An 8 MiB block is 2,048 pages: faulted in again, nearly each of them faults. */
    static final long PAGES = NativeMemoryProbe.BLOCK / 4096;

    record Probe(String setup, long faults) {
    }

    @Test
    void withTheSetupAFreedBlockIsReusedWithoutPageFaults() throws Exception {
        Probe probe = probe(true, Map.of());
        assertTrue(probe.setup().startsWith("Native memory: freed blocks under 32 MiB are kept"), probe.setup());
        assertTrue(probe.faults() < PAGES / 10, "faults refilling a freed block: " + probe.faults());
    }

    @Test
    void withGlibcsDefaultsTheSameBlockIsFaultedInAgain() throws Exception {
        Probe probe = probe(false, Map.of());
        assertTrue(probe.faults() > PAGES / 2, "faults refilling a freed block: " + probe.faults());
    }

    @Test
    void anOperatorsOwnMallocSettingsWin() throws Exception {
        Probe probe = probe(true, Map.of("MALLOC_TRIM_THRESHOLD_", "0"));
        assertEquals("Native memory: malloc as the environment sets it (MALLOC_TRIM_THRESHOLD_)", probe.setup());
        assertTrue(probe.faults() > PAGES / 2, "left to the environment's trimming: " + probe.faults());
    }

    private static Probe probe(boolean setup, Map<String, String> settings) throws IOException,
            InterruptedException {
        String output = FreshJvm.run(NativeMemoryProbe.class, setup ? List.of("setup") : List.of(), environment -> {
            environment.keySet().removeIf(name -> name.startsWith("MALLOC_") || name.equals("GLIBC_TUNABLES"));
            environment.putAll(settings);
        });
        Matcher faults = Pattern.compile("faults: (\\d+)").matcher(output);
        assertTrue(faults.find(), output);
        Matcher described = Pattern.compile("setup: (.*)").matcher(output);
        return new Probe(described.find() ? described.group(1).trim() : "", Long.parseLong(faults.group(1)));
    }
}

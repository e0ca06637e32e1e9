package dev.chorus.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import dev.chorus.serving.ServingCpu.Stage;

class ServingCpuTest {

    private final ServingCpu cpu = new ServingCpu();

    @Test
    void threadsBelongToStagesByTheirNames() {
        assertEquals(Optional.of(Stage.MEMBERS), Stage.of("serving-member-2"));
        assertEquals(Optional.of(Stage.BATCHING), Stage.of("batcher-fashion-v3-1"));
        assertEquals(Optional.of(Stage.DECODING), Stage.of("serving-decode-1"));
        assertEquals(Optional.of(Stage.TRANSPORT), Stage.of("vert.x-eventloop-thread-0"));
        assertEquals(Optional.empty(), Stage.of("executor-thread-1"));
        assertEquals("decoding", Stage.DECODING.label());
    }

    @Test
    void readsLinuxProcessorListsAsProcessors() {
        assertEquals(java.util.Set.of(0, 1), ServingCpu.processors("0-1"));
        assertEquals(java.util.Set.of(0, 2, 3, 4, 7), ServingCpu.processors("0,2-4, 7"));
        assertEquals(java.util.Set.of(), ServingCpu.processors(""));
    }

    @Test
    void aStageIsChargedWhatItsThreadsBurnAndKeepsItAfterTheyEnd() throws Exception {
        assertTrue(cpu.supported(), "this JVM measures per-thread CPU time");
        cpu.usage(); // every running thread's CPU so far is in the past
        double membersBefore = cpu.seconds(Stage.MEMBERS);
        double decodingBefore = cpu.seconds(Stage.DECODING);

        burn("serving-member-test", 50);
        burn("not-serving", 50);
        double members = cpu.seconds(Stage.MEMBERS);

        assertTrue(members - membersBefore >= 0.045, "members burnt 50 ms: " + (members - membersBefore));
        assertTrue(cpu.seconds(Stage.DECODING) - decodingBefore < 0.045, "no decoding thread burnt anything");
        assertTrue(cpu.seconds(Stage.MEMBERS) >= members, "an ended thread's time stays counted");
        assertTrue(cpu.usage().processSeconds() >= members, "the process includes its stages");
    }

    /** Runs a thread of this name until its own CPU clock shows {@code millis}; samples before it ends. */
    private void burn(String name, long millis) throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        CountDownLatch burnt = new CountDownLatch(1);
        CountDownLatch sampled = new CountDownLatch(1);
        Thread thread = Thread.ofPlatform().name(name).start(() -> {
            long until = threads.getCurrentThreadCpuTime() + millis * 1_000_000;
            while (threads.getCurrentThreadCpuTime() < until) {
                Thread.onSpinWait();
            }
            burnt.countDown();
            try {
                sampled.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        burnt.await();
        cpu.usage();
        sampled.countDown();
        thread.join();
    }
}

package dev.chorus.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * Run in a fresh JVM by {@link NativeMemoryTest}: optionally applies the native memory setup,
 * then mallocs a block the size of a batch's activations, fills it, frees it, does the same again
 * and prints how many page faults the second fill cost this thread.
 */
public final class NativeMemoryProbe {

    static final long BLOCK = 8L << 20;

    private NativeMemoryProbe() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals("setup")) {
            System.out.println("setup: " + NativeMemory.retainFreedMemory());
        }
        fillAndFree();
        long before = faults();
        fillAndFree();
        System.out.println("faults: " + (faults() - before));
    }

    private static void fillAndFree() {
        long address = Native.malloc(BLOCK);
        new Pointer(address).setMemory(0, BLOCK, (byte) 1);
        Native.free(address);
    }

    /** Minor page faults of the calling thread so far (field 10 of its stat line). */
    private static long faults() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[7]);
    }
}

package dev.chorus.engine;

import java.io.File;
import java.util.Objects;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Run in a fresh JVM by {@link EngineSetupTest}: applies the engine setup, then runs a few MXNet
 * operators and prints how many threads the process gained (the threaded engine starts its
 * worker threads on first use; the naive engine starts none).
 */
public final class EngineProbe {

    private EngineProbe() {
    }

    public static void main(String[] args) {
        System.out.println("setup: " + EngineSetup.apply());
        int before = threads();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.ones(new Shape(64, 64));
            for (int i = 0; i < 10; i++) {
                x = x.matMul(x).div(64);
            }
            x.toFloatArray();
        }
        System.out.println("threads gained: " + (threads() - before));
    }

    private static int threads() {
        return Objects.requireNonNull(new File("/proc/self/task").list()).length;
    }
}

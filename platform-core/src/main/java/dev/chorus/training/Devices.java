package dev.chorus.training;

import java.util.ArrayList;
import java.util.List;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;

/**
 * The devices this worker can train on. GPUs come from the DJL engine (none with the CPU build
 * of MXNet that Chorus ships, since no CUDA build is on Maven Central).
 */
public record Devices(List<Gpu> gpus) {

    public record Gpu(int index, long memoryBytes) {
        public String name() {
            return "gpu(" + index + ")";
        }
    }

    public static Devices detect() {
        List<Gpu> gpus = new ArrayList<>();
        int count;
        try {
            count = Engine.getInstance().getGpuCount();
        } catch (RuntimeException | LinkageError e) {
            count = 0;
        }
        for (int i = 0; i < count; i++) {
            long memory;
            try {
                memory = CudaUtils.getGpuMemory(Device.gpu(i)).getMax();
            } catch (RuntimeException | LinkageError e) {
                memory = -1;
            }
            gpus.add(new Gpu(i, memory));
        }
        return new Devices(List.copyOf(gpus));
    }

    public static Devices cpuOnly() {
        return new Devices(List.of());
    }
}

package dev.chorus.training;

/** Where a run wants to execute. */
public enum DeviceRequest {
    /** CPU only. */
    CPU,
    /** A GPU if a worker has a free one, else a CPU. */
    GPU_PREFERRED,
    /** Only on a GPU: waits, saying why, while no worker has one. */
    GPU_REQUIRED
}

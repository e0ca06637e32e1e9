package dev.chorus.plugins.builtincnn;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.chorus.plugin.api.BackboneDescriptor;
import dev.chorus.plugin.api.FeatureExtractor;
import dev.chorus.plugin.api.InputSpec;

/**
 * Feature-extraction speed of the builtin backbones, as figures, not as a test:
 * for each architecture at 28 px and 224 px, its parameter count, images/s at batch 1 and 64
 * (inference mode, one thread calling) run layer by layer through DJL's blocks and as the compiled
 * graph serving uses ({@link CompiledFeatureExtractor}), and the peak resident memory of a JVM
 * doing only that.
 * Each (architecture, size) runs in a JVM of its own so the peak memory is its own.
 *
 * <p>Run: see README ("Benchmarks").
 */
public final class FeatureExtractionBenchmark {

    private static final double SECONDS_PER_MEASUREMENT = 3.0;

    private FeatureExtractionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2) {
            measure(Architecture.valueOf(args[0]), Integer.parseInt(args[1]));
            return;
        }
        System.out.printf("%-15s %5s %10s %14s %15s %14s %15s %12s%n", "backbone", "px", "params", "img/s (b=1)",
                "img/s (b=64)", "compiled b=1", "compiled b=64", "peak RSS");
        for (Architecture architecture : Architecture.values()) {
            for (int size : new int[] {28, 224}) {
                System.out.println(runChild(architecture, size));
            }
        }
        System.out.println("engine " + Engine.getDefaultEngineName() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, OMP_NUM_THREADS=" + System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)")
                + ", MXNET_ENGINE_TYPE=" + System.getenv().getOrDefault("MXNET_ENGINE_TYPE", "(unset)"));
    }

    private static String runChild(Architecture architecture, int size) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), FeatureExtractionBenchmark.class.getName(),
                architecture.name(), Integer.toString(size)));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String last = "";
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("RESULT ")) {
                    last = line.substring("RESULT ".length());
                }
            }
        }
        return child.waitFor() == 0 && !last.isEmpty() ? last
                : String.format("%-15s %5d failed (exit %d)", architecture.backboneName(), size, child.exitValue());
    }

    private static void measure(Architecture architecture, int size) throws Exception {
        try (Model model = Model.newInstance(architecture.backboneName());
                NDManager manager = NDManager.newBaseManager()) {
            Block block = architecture.build();
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, size, size));
            long parameters = 0;
            for (Pair<String, Parameter> parameter : block.getParameters()) {
                parameters += parameter.getValue().getArray().size();
            }
            double single = imagesPerSecond(images -> block.forward(new ParameterStore(manager, false),
                    new NDList(images), false).singletonOrThrow(), manager, 1, size);
            double batched = imagesPerSecond(images -> block.forward(new ParameterStore(manager, false),
                    new NDList(images), false).singletonOrThrow(), manager, 64, size);
            Path saved = Files.createTempDirectory("chorus-benchmark-");
            model.save(saved, architecture.backboneName());
            BackboneDescriptor descriptor = BuiltinCnnPlugin.descriptor(architecture, BuiltinCnnPlugin.VERSION);
            InputSpec input = new InputSpec(size, size, 1, descriptor.input().mean(), descriptor.input().std());
            descriptor = new BackboneDescriptor(descriptor.name(), descriptor.version(), descriptor.family(), input,
                    descriptor.featureDimension(), descriptor.engine(), descriptor.source(), descriptor.licence(),
                    descriptor.weights());
            try (FeatureExtractor compiled = architecture.open(descriptor,
                    saved.resolve(architecture.backboneName() + "-0000.params"))) {
                if (!CompiledFeatureExtractor.isCompiled(compiled)) {
                    throw new IllegalStateException(architecture + " did not compile");
                }
                double compiledSingle = imagesPerSecond(compiled::extract, manager, 1, size);
                double compiledBatched = imagesPerSecond(compiled::extract, manager, 64, size);
                System.out.printf("RESULT %-15s %5d %10d %14.1f %15.1f %14.1f %15.1f %9d MiB%n",
                        architecture.backboneName(), size, parameters, single, batched, compiledSingle, compiledBatched,
                        peakRssKib() / 1024);
            }
        }
    }

    private static double imagesPerSecond(UnaryOperator<NDArray> network, NDManager manager, int batch, int size) {
        runOnce(network, manager, batch, size); // warm-up: MXNet picks kernels on first use
        long images = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < SECONDS_PER_MEASUREMENT * 1e9) {
            runOnce(network, manager, batch, size);
            images += batch;
        }
        return images / ((System.nanoTime() - start) / 1e9);
    }

    private static void runOnce(UnaryOperator<NDArray> network, NDManager manager, int batch, int size) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray images = scope.randomUniform(0f, 1f, new Shape(batch, 1, size, size));
            NDArray features = network.apply(images);
            features.toFloatArray(); // wait for the engine to finish
        }
    }

    private static long peakRssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}

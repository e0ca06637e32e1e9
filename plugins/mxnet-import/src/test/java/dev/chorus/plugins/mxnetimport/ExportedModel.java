package dev.chorus.plugins.mxnetimport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes what an MXNet user's {@code export()} leaves behind, for a small classifier:
 * conv(8, 3×3) → BatchNorm → relu → global average pool → flatten → dense(3).
 * Its pooled features (the output of {@code flatten0}) have 8 values per image.
 */
public final class ExportedModel {

    static final int FILTERS = 8;

    private static final String SYMBOL_TEMPLATE = """
            {
              "nodes": [
                {"op": "null", "name": "data", "inputs": []},
                {"op": "null", "name": "conv0_weight", "inputs": []},
                {"op": "null", "name": "conv0_bias", "inputs": []},
                {"op": "Convolution", "name": "conv0",
                 "attrs": {"kernel": "(3, 3)", "num_filter": "%d", "pad": "(1, 1)", "stride": "(%d, %d)"},
                 "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]},
                {"op": "null", "name": "bn0_gamma", "inputs": []},
                {"op": "null", "name": "bn0_beta", "inputs": []},
                {"op": "null", "name": "bn0_moving_mean", "inputs": []},
                {"op": "null", "name": "bn0_moving_var", "inputs": []},
                {"op": "BatchNorm", "name": "bn0", "attrs": {"eps": "1e-05", "fix_gamma": "False"},
                 "inputs": [[3, 0, 0], [4, 0, 0], [5, 0, 0], [6, 0, 1], [7, 0, 1]]},
                {"op": "Activation", "name": "relu0", "attrs": {"act_type": "relu"}, "inputs": [[8, 0, 0]]},
                {"op": "Pooling", "name": "pool0",
                 "attrs": {"global_pool": "True", "kernel": "(1, 1)", "pool_type": "avg"},
                 "inputs": [[9, 0, 0]]},
                {"op": "Flatten", "name": "flatten0", "inputs": [[10, 0, 0]]},
                {"op": "null", "name": "fc0_weight", "inputs": []},
                {"op": "null", "name": "fc0_bias", "inputs": []},
                {"op": "FullyConnected", "name": "fc0", "attrs": {"num_hidden": "%d"},
                 "inputs": [[11, 0, 0], [12, 0, 0], [13, 0, 0]]}
              ],
              "arg_nodes": [0, 1, 2, 4, 5, 6, 7, 12, 13],
              "heads": [[14, 0, 0]],
              "attrs": {"mxnet_version": ["int", 10901]}
            }
            """;

    static final String DESCRIPTOR = """
            name=tiny-import
            version=1
            family=plain
            input.height=8
            input.width=8
            input.channels=1
            input.mean=0.5
            input.std=0.25
            feature.layer=flatten0
            feature.dimension=8
            source=written by the test
            licence=CC0
            """;

    static final String SYMBOL = symbol(FILTERS, 1, 3);

    private ExportedModel() {
    }

    static String symbol(int filters, int stride, int classes) {
        return SYMBOL_TEMPLATE.formatted(filters, stride, stride, classes);
    }

    /**
     * A whole exported classifier as a zoo would ship it, {@code <prefix>-symbol.json} and
     * {@code <prefix>-0000.params}, for images with {@code channels} channels.
     */
    public static void writeClassifier(Path directory, String prefix, int channels, int filters, int stride,
            int classes, long seed) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(prefix + "-symbol.json"), symbol(filters, stride, classes),
                StandardCharsets.UTF_8);
        MxnetParamsFile.write(directory.resolve(prefix + "-0000.params"), params(seed, channels, filters, 3, classes));
    }

    static Path write(Path directory, long seed) throws IOException {
        return write(directory, DESCRIPTOR, params(seed, 3));
    }

    static Path write(Path directory, String descriptor, List<MxnetParamsFile.Entry> params) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("tiny-symbol.json"), SYMBOL, StandardCharsets.UTF_8);
        Files.writeString(directory.resolve(ImportDescriptor.FILE_NAME), descriptor, StandardCharsets.UTF_8);
        MxnetParamsFile.write(directory.resolve("tiny-0000.params"), params);
        return directory;
    }

    /** Random weights; BatchNorm statistics that are clearly not the identity. */
    static List<MxnetParamsFile.Entry> params(long seed, int kernel) {
        return params(seed, 1, FILTERS, kernel, 3);
    }

    static List<MxnetParamsFile.Entry> params(long seed, int channels, int filters, int kernel, int classes) {
        Random random = new Random(seed);
        List<MxnetParamsFile.Entry> entries = new ArrayList<>();
        entries.add(entry("arg:conv0_weight", random, filters, channels, kernel, kernel));
        entries.add(entry("arg:conv0_bias", random, filters));
        entries.add(entry("arg:bn0_gamma", random, filters));
        entries.add(entry("arg:bn0_beta", random, filters));
        entries.add(entry("aux:bn0_moving_mean", random, filters));
        entries.add(positive("aux:bn0_moving_var", random, filters));
        entries.add(entry("arg:fc0_weight", random, classes, filters));
        entries.add(entry("arg:fc0_bias", random, classes));
        return entries;
    }

    static List<MxnetParamsFile.Entry> without(List<MxnetParamsFile.Entry> entries, String name) {
        return entries.stream().filter(e -> !e.name().equals(name)).toList();
    }

    private static MxnetParamsFile.Entry entry(String name, Random random, long... shape) {
        float[] values = new float[(int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian() * 0.5f;
        }
        return new MxnetParamsFile.Entry(name, shape, values);
    }

    private static MxnetParamsFile.Entry positive(String name, Random random, long... shape) {
        MxnetParamsFile.Entry entry = entry(name, random, shape);
        float[] values = entry.values();
        for (int i = 0; i < values.length; i++) {
            values[i] = 0.5f + Math.abs(values[i]);
        }
        return entry;
    }
}

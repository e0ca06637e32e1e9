package dev.chorus.plugins.builtincnn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a builtin network as an MXNet symbol (the JSON that {@code Symbol.loadJson} reads), so
 * that it can run as one compiled graph instead of one engine call per operator. Parameters are
 * named {@code <layer>_<kind>} and listed in the order DJL's blocks hold them, so the trained
 * block's arrays can be handed over one by one.
 */
final class SymbolGraph {

    /** A parameter of the graph: its symbol name and the name DJL gives it inside its block. */
    record Param(String name, String djlName) {
    }

    private final List<String> nodes = new ArrayList<>();
    private final List<Integer> argNodes = new ArrayList<>();
    private final List<Param> params = new ArrayList<>();
    private int layers;
    private int output = -1;

    /** The graph's input, named {@code data}. */
    int input() {
        return variable("data");
    }

    /** Convolution with square kernel, stride and padding; DJL's Conv2d holds weight, then bias. */
    int conv(int in, int filters, int kernel, int stride, int padding, boolean bias, int groups) {
        String name = "conv" + layers++;
        int weight = param(name + "_weight", "weight");
        Map<String, String> attrs = Map.of("kernel", pair(kernel), "stride", pair(stride),
                "pad", pair(padding), "num_filter", Integer.toString(filters), "num_group", Integer.toString(groups),
                "no_bias", bias ? "False" : "True");
        if (bias) {
            return op("Convolution", name, attrs, in, weight, param(name + "_bias", "bias"));
        }
        return op("Convolution", name, attrs, in, weight);
    }

    /** Inference-mode batch normalisation over channels (DJL's defaults: epsilon 1e-5, learned scale and shift). */
    int batchNorm(int in) {
        String name = "bn" + layers++;
        int gamma = param(name + "_gamma", "gamma");
        int beta = param(name + "_beta", "beta");
        int mean = param(name + "_moving_mean", "runningMean");
        int variance = param(name + "_moving_var", "runningVar");
        return op("BatchNorm", name, Map.of("eps", "1e-05", "fix_gamma", "False"), in, gamma, beta, mean, variance);
    }

    int relu(int in) {
        return op("Activation", "relu" + layers++, Map.of("act_type", "relu"), in);
    }

    int maxPool(int in, int kernel, int stride) {
        return op("Pooling", "pool" + layers++, Map.of("kernel", pair(kernel), "stride", pair(stride),
                "pool_type", "max"), in);
    }

    int globalAvgPool(int in) {
        return op("Pooling", "pool" + layers++, Map.of("global_pool", "True", "kernel", "(1, 1)",
                "pool_type", "avg"), in);
    }

    int flatten(int in) {
        return op("Flatten", "flatten" + layers++, Map.of(), in);
    }

    int add(int left, int right) {
        return op("elemwise_add", "add" + layers++, Map.of(), left, right);
    }

    /** The parameters in DJL's order. */
    List<Param> params() {
        return List.copyOf(params);
    }

    /** Makes {@code node} the graph's only output. */
    SymbolGraph output(int node) {
        this.output = node;
        return this;
    }

    /** The symbol JSON. */
    String json() {
        return "{\"nodes\": [" + String.join(",\n", nodes) + "], \"arg_nodes\": " + argNodes
                + ", \"heads\": [[" + output + ", 0, 0]], \"attrs\": {\"mxnet_version\": [\"int\", 10900]}}";
    }

    private int param(String name, String djlName) {
        params.add(new Param(name, djlName));
        return variable(name);
    }

    private int variable(String name) {
        argNodes.add(nodes.size());
        nodes.add("{\"op\": \"null\", \"name\": \"" + name + "\", \"inputs\": []}");
        return nodes.size() - 1;
    }

    private int op(String op, String name, Map<String, String> attrs, int... inputs) {
        StringBuilder node = new StringBuilder("{\"op\": \"" + op + "\", \"name\": \"" + name + "\", \"attrs\": {");
        attrs.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(attr -> node
                .append(node.charAt(node.length() - 1) == '{' ? "" : ", ")
                .append('"').append(attr.getKey()).append("\": \"").append(attr.getValue()).append('"'));
        node.append("}, \"inputs\": [");
        for (int i = 0; i < inputs.length; i++) {
            node.append(i == 0 ? "" : ", ").append('[').append(inputs[i]).append(", 0, 0]");
        }
        nodes.add(node.append("]}").toString());
        return nodes.size() - 1;
    }

    private static String pair(int value) {
        return "(" + value + ", " + value + ")";
    }
}

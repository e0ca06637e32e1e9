package dev.chorus.plugins.mxnetimport;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * The graph in an MXNet symbol JSON, read without the engine: which layers exist and which
 * variables (weights, BatchNorm statistics, the input) a layer's output depends on.
 */
final class SymbolGraph {

    private record Node(String op, String name, List<Integer> inputs) {
    }

    private final List<Node> nodes;

    private SymbolGraph(List<Node> nodes) {
        this.nodes = nodes;
    }

    static SymbolGraph read(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonObject root = JsonParser.parseReader(reader).getAsJsonObject();
            List<Node> nodes = new ArrayList<>();
            for (JsonElement element : root.getAsJsonArray("nodes")) {
                JsonObject node = element.getAsJsonObject();
                List<Integer> inputs = new ArrayList<>();
                JsonArray inputArray = node.has("inputs") ? node.getAsJsonArray("inputs") : new JsonArray();
                for (JsonElement input : inputArray) {
                    inputs.add(input.getAsJsonArray().get(0).getAsInt());
                }
                nodes.add(new Node(node.get("op").getAsString(), node.get("name").getAsString(), inputs));
            }
            return new SymbolGraph(nodes);
        } catch (RuntimeException e) { // malformed JSON, missing keys, wrong types
            throw new IOException("not a valid MXNet symbol file: " + file + " (" + e.getMessage() + ")", e);
        }
    }

    /** The layer's output name as MXNet's internals know it, accepting both "flatten0" and "flatten0_output". */
    String outputName(String layer) {
        String name = layer.endsWith("_output") ? layer.substring(0, layer.length() - "_output".length()) : layer;
        return indexOf(name) >= 0 ? name + "_output" : null;
    }

    /** The layer feeding the last FullyConnected: the pooled features of a classifier. */
    String layerBelowLastClassifier() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node node = nodes.get(i);
            if (node.op().equals("FullyConnected") && !node.inputs().isEmpty()) {
                Node below = nodes.get(node.inputs().get(0));
                return below.op().equals("null") ? null : below.name();
            }
        }
        return null;
    }

    List<String> layerNames() {
        return nodes.stream().filter(n -> !n.op().equals("null")).map(Node::name).toList();
    }

    /** The variables the layer's output is computed from. */
    Set<String> variablesUpTo(String layer) {
        int start = indexOf(layer.replaceFirst("_output$", ""));
        Set<String> variables = new LinkedHashSet<>();
        Set<Integer> seen = new LinkedHashSet<>();
        Deque<Integer> pending = new ArrayDeque<>(List.of(start));
        while (!pending.isEmpty()) {
            int index = pending.pop();
            if (!seen.add(index) || index < 0 || index >= nodes.size()) {
                continue;
            }
            Node node = nodes.get(index);
            if (node.op().equals("null")) {
                variables.add(node.name());
            }
            pending.addAll(node.inputs());
        }
        return variables;
    }

    private int indexOf(String name) {
        for (int i = 0; i < nodes.size(); i++) {
            if (!nodes.get(i).op().equals("null") && nodes.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}

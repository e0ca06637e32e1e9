package dev.chorus.plugins.mxnetimport;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import dev.chorus.plugin.api.BackboneDescriptor;
import dev.chorus.plugin.api.InputSpec;

/**
 * The small file a user writes next to an exported MXNet model to make it a backbone:
 *
 * <pre>
 * name=my-resnet                   version=1                family=residual
 * input.height=224                 input.width=224          input.channels=3
 * input.mean=0.485,0.456,0.406     input.std=0.229,0.224,0.225
 * feature.layer=flatten0           feature.dimension=2048   (feature.layer=auto: below the last dense layer)
 * # optional: symbol=, params= (default: the one *-symbol.json and *.params in the directory),
 * #           input.name=data, source=, licence=
 * </pre>
 */
public record ImportDescriptor(BackboneDescriptor backbone, String featureLayer, String inputName, Path symbolFile,
        Path paramsFile) {

    /** Names the layer just below the network's last dense (classifier) layer: its top removed. */
    public static final String BELOW_CLASSIFIER = "auto";

    public static final String FILE_NAME = "backbone.properties";

    public static ImportDescriptor read(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage(), e);
        }
        Fields fields = new Fields(file, properties);
        try {
            int channels = fields.integer("input.channels");
            InputSpec input = new InputSpec(fields.integer("input.height"), fields.integer("input.width"), channels,
                    fields.floats("input.mean", channels, 0f), fields.floats("input.std", channels, 1f));
            BackboneDescriptor backbone = new BackboneDescriptor(fields.required("name"), fields.required("version"),
                    fields.optional("family"), input, fields.integer("feature.dimension"), "MXNet",
                    fields.optional("source"), fields.optional("licence"), "MXNet export in " + directory);
            String layer = fields.required("feature.layer");
            String inputName = properties.getProperty("input.name", "data").strip();
            return new ImportDescriptor(backbone, layer, inputName,
                    fields.file(directory, "symbol", "-symbol.json"), fields.file(directory, "params", ".params"));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(file.toString()) ? e : new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Reads fields with messages that name the file and the field. */
    private record Fields(Path file, Properties properties) {

        String optional(String key) {
            String value = properties.getProperty(key);
            return value == null || value.isBlank() ? null : value.strip();
        }

        String required(String key) {
            String value = optional(key);
            if (value == null) {
                throw new IllegalArgumentException(file + ": missing field '" + key + "'");
            }
            return value;
        }

        int integer(String key) {
            String value = required(key);
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": field '" + key + "' must be a whole number, was '"
                        + value + "'");
            }
        }

        float[] floats(String key, int count, float fallback) {
            String value = optional(key);
            if (value == null) {
                float[] filled = new float[count];
                Arrays.fill(filled, fallback);
                return filled;
            }
            try {
                String[] parts = value.split(",");
                float[] numbers = new float[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    numbers[i] = Float.parseFloat(parts[i].strip());
                }
                return numbers;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": field '" + key + "' must be comma-separated numbers, was '"
                        + value + "'");
            }
        }

        Path file(Path directory, String key, String suffix) {
            String named = optional(key);
            if (named != null) {
                Path resolved = directory.resolve(named).normalize();
                if (!resolved.startsWith(directory)) {
                    throw new IllegalArgumentException(file + ": field '" + key + "' must name a file in " + directory);
                }
                return resolved;
            }
            List<Path> candidates = list(directory).stream()
                    .filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
            if (candidates.size() != 1) {
                throw new IllegalArgumentException(file + ": found " + candidates.size() + " *" + suffix
                        + " files; name the one to use with '" + key + "='");
            }
            return candidates.get(0);
        }

        private static List<Path> list(Path directory) {
            try (Stream<Path> files = Files.list(directory)) {
                return files.sorted().toList();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot list " + directory + ": " + e.getMessage(), e);
            }
        }
    }
}

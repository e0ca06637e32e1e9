package dev.chorus.training;

import java.util.Map;
import java.util.TreeMap;

import com.google.gson.Gson;

import dev.chorus.errors.InvalidRequestException;

/** What a caller asks to run. */
public record RunRequest(String kind, Map<String, String> parameters, String ensemble, String dataset, int priority,
        DeviceRequest device, int maxAttempts) {

    private static final Gson GSON = new Gson();

    public RunRequest {
        if (kind == null || kind.isBlank()) {
            throw new InvalidRequestException("a run needs a kind");
        }
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new InvalidRequestException("max attempts must be 1-20, was " + maxAttempts);
        }
        if (priority < -1000 || priority > 1000) {
            throw new InvalidRequestException("priority must be -1000 to 1000, was " + priority);
        }
        parameters = Map.copyOf(parameters);
        device = device == null ? DeviceRequest.GPU_PREFERRED : device;
    }

    String parametersJson() {
        return GSON.toJson(new TreeMap<>(parameters));
    }

    /** The parameters of a stored run. */
    public static Map<String, String> parameters(String json) {
        return parseParameters(json);
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> parseParameters(String json) {
        Map<String, String> parsed = GSON.fromJson(json, Map.class);
        return parsed == null ? Map.of() : Map.copyOf(parsed);
    }
}

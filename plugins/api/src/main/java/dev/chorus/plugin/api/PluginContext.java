package dev.chorus.plugin.api;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What Chorus tells a plugin.
 *
 * @param weightsDirectory where file-based weights live; a plugin uses {@code weightsDirectory/<its id>/}
 * @param settings         free-form settings for plugins ({@code chorus.plugins.settings.*})
 */
public record PluginContext(Path weightsDirectory, Map<String, String> settings) {

    public PluginContext {
        settings = Map.copyOf(settings);
    }

    public Path weightsDirectory(BackbonePlugin plugin) {
        return weightsDirectory.resolve(plugin.id());
    }

    public Optional<String> setting(String key) {
        return Optional.ofNullable(settings.get(key));
    }
}

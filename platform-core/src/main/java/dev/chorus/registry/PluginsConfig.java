package dev.chorus.registry;

import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where plugins and their file-based weights are found. */
@ConfigMapping(prefix = "chorus.plugins")
public interface PluginsConfig {

    /** Extra plugin jars, each loaded with its own class loader. */
    @WithDefault("${user.home}/.chorus/plugins")
    String directory();

    /** File-based weights; a plugin reads {@code <weights-directory>/<plugin id>/}. */
    @WithDefault("${user.home}/.chorus/weights")
    String weightsDirectory();

    /** Free-form settings handed to every plugin. */
    Map<String, String> settings();
}

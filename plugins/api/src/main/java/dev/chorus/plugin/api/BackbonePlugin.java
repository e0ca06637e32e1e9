package dev.chorus.plugin.api;

import java.util.List;

/**
 * The service a plugin jar provides ({@code META-INF/services/dev.chorus.plugin.api.BackbonePlugin}).
 * Chorus calls it once at start-up; anything it throws is recorded against the plugin and does
 * not stop the platform.
 */
public interface BackbonePlugin {

    /** Stable plugin identifier, e.g. {@code builtin-cnn}. */
    String id();

    List<BackboneProvider> backbones(PluginContext context);
}

package dev.chorus.training.features;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The on-disk cache of pooled backbone features. */
@ConfigMapping(prefix = "chorus.features")
public interface FeaturesConfig {

    @WithDefault("${user.home}/.chorus/features")
    String directory();

    /** Least recently used entries are evicted once the cache grows beyond this many bytes. */
    @WithDefault("4294967296")
    long maxBytes();

    /** Images per batch when extracting. */
    @WithDefault("256")
    int batchSize();
}

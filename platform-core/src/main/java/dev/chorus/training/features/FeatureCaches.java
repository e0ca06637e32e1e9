package dev.chorus.training.features;

import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** This process's feature cache, from configuration. */
@ApplicationScoped
class FeatureCaches {

    @Produces
    @Singleton
    FeatureCache cache(FeaturesConfig config) {
        return new FeatureCache(Path.of(config.directory()), config.maxBytes());
    }
}

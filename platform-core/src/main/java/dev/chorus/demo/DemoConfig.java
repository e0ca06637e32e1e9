package dev.chorus.demo;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The first-run demo: builtin backbones pretrained on the demo dataset, then stacked. */
@ConfigMapping(prefix = "chorus.demo.ensemble")
public interface DemoConfig {

    /** Build the demo ensemble in the background when the demo dataset exists and the ensemble has no version. */
    @WithDefault("true")
    boolean enabled();

    @WithDefault("fashion-mnist-demo")
    String name();

    /** The dataset it trains on (the demo dataset). */
    @WithDefault("${chorus.datasets.demo.name:fashion-mnist}")
    String dataset();

    /** Pretraining epochs of each builtin architecture (cosine schedule, augmentation). */
    @WithDefault("2")
    int pretrainEpochs();

    @WithDefault("true")
    boolean pretrainAugment();

    @WithDefault("128")
    int headHiddenUnits();

    @WithDefault("0.2")
    double headDropout();

    @WithDefault("40")
    int headEpochs();
}

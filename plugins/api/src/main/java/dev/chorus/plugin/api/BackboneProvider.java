package dev.chorus.plugin.api;

/** One backbone version offered by a plugin. */
public interface BackboneProvider {

    BackboneDescriptor descriptor();

    /** Cheap: checks that the weights exist and fingerprints them; never loads the network. */
    Availability availability();

    /**
     * Builds the network and loads its weights.
     *
     * @throws BackboneUnavailableException when the weights are missing, unreadable or do not fit the network
     */
    FeatureExtractor open() throws BackboneUnavailableException;
}

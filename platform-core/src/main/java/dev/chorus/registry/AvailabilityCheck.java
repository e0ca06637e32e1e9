package dev.chorus.registry;

import dev.chorus.plugin.api.Availability;
import dev.chorus.plugin.api.BackboneProvider;

/** The outcome of asking a provider whether its backbone can be loaded, including the provider failing. */
record AvailabilityCheck(Availability availability, String failure) {

    static AvailabilityCheck of(BackboneProvider provider) {
        try {
            Availability availability = provider.availability();
            if (availability == null) {
                return new AvailabilityCheck(null, "availability() returned nothing");
            }
            return new AvailabilityCheck(availability, null);
        } catch (Throwable e) {
            return new AvailabilityCheck(null, "availability check failed: " + PluginDiscovery.describe(e));
        }
    }
}

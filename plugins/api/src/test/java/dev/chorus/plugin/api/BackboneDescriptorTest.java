package dev.chorus.plugin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BackboneDescriptorTest {

    static BackboneDescriptor named(String name, String version, int features) {
        return new BackboneDescriptor(name, version, "residual", InputSpec.unit(28, 28, 1), features, "MXNet",
                null, " ", "file");
    }

    @Test
    void isKeyedByNameAndVersion() {
        assertEquals("resnet-mini:1", named("resnet-mini", "1", 64).key());
    }

    @Test
    void fillsMissingTextWithUnknown() {
        BackboneDescriptor descriptor = named("resnet-mini", "1", 64);
        assertEquals("unknown", descriptor.source());
        assertEquals("unknown", descriptor.licence());
    }

    @Test
    void refusesNamesThatCouldNotBeAnIdentifier() {
        assertThrows(IllegalArgumentException.class, () -> named("ResNet Mini", "1", 64));
        assertThrows(IllegalArgumentException.class, () -> named("../etc", "1", 64));
        assertThrows(IllegalArgumentException.class, () -> named("resnet", "", 64));
        assertThrows(IllegalArgumentException.class, () -> named("resnet", "1/2", 64));
    }

    @Test
    void refusesANonPositiveFeatureDimension() {
        assertThrows(IllegalArgumentException.class, () -> named("resnet-mini", "1", 0));
    }
}

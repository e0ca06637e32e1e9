package dev.chorus.plugin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InputSpecTest {

    @Test
    void refusesZeroOrNegativeSizes() {
        assertThrows(IllegalArgumentException.class, () -> InputSpec.unit(0, 28, 1));
        assertThrows(IllegalArgumentException.class, () -> InputSpec.unit(28, -1, 1));
    }

    @Test
    void refusesChannelCountsOtherThanGrayOrRgb() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> InputSpec.unit(28, 28, 2));
        assertTrue(refused.getMessage().contains("1 or 3"));
    }

    @Test
    void needsOnePositiveStdPerChannel() {
        assertThrows(IllegalArgumentException.class,
                () -> new InputSpec(28, 28, 3, new float[] {0, 0, 0}, new float[] {1, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> new InputSpec(28, 28, 1, new float[] {0}, new float[] {0}));
        assertThrows(IllegalArgumentException.class,
                () -> new InputSpec(28, 28, 1, new float[] {0}, new float[] {Float.NaN}));
    }

    @Test
    void isAValueThatCannotBeChangedThroughItsArrays() {
        float[] mean = {0.5f};
        InputSpec spec = new InputSpec(28, 28, 1, mean, new float[] {0.25f});
        mean[0] = 9;
        spec.mean()[0] = 9;
        assertEquals(0.5f, spec.mean()[0]);
        assertEquals(new InputSpec(28, 28, 1, new float[] {0.5f}, new float[] {0.25f}), spec);
    }
}

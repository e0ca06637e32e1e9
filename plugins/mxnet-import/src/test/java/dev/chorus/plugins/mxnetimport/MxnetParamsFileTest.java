package dev.chorus.plugins.mxnetimport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** The params format as MXNet itself reads it. */
class MxnetParamsFileTest {

    @TempDir
    Path dir;

    @Test
    void writesWhatMxnetLoadsBackExactly() throws IOException {
        Path file = dir.resolve("net-0000.params");
        MxnetParamsFile.write(file, List.of(
                new MxnetParamsFile.Entry("arg:w", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
                new MxnetParamsFile.Entry("aux:m", new long[] {2}, new float[] {-0.5f, 7.25f})));

        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            NDList loaded = manager.load(file);
            assertEquals("arg:w", loaded.get(0).getName());
            assertEquals(new Shape(2, 3), loaded.get(0).getShape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, loaded.get(0).toFloatArray());
            assertArrayEquals(new float[] {-0.5f, 7.25f}, loaded.get(1).toFloatArray());
        }
    }

    @Test
    void readsNamesAndShapesWithoutTheEngine() throws IOException {
        Path file = dir.resolve("net-0000.params");
        MxnetParamsFile.write(file, List.of(new MxnetParamsFile.Entry("arg:w", new long[] {2, 3}, new float[6])));
        Map<String, long[]> shapes = MxnetParamsFile.readShapes(file);
        assertEquals(List.of("arg:w"), List.copyOf(shapes.keySet()));
        assertArrayEquals(new long[] {2, 3}, shapes.get("arg:w"));
    }

    @Test
    void refusesTruncatedAndForeignFiles() throws IOException {
        Path file = dir.resolve("net-0000.params");
        MxnetParamsFile.write(file, List.of(new MxnetParamsFile.Entry("arg:w", new long[] {64}, new float[64])));
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, 60));
        IOException truncated = assertThrows(IOException.class, () -> MxnetParamsFile.readShapes(file));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());

        Files.writeString(file, "{\"not\": \"params\"}");
        IOException foreign = assertThrows(IOException.class, () -> MxnetParamsFile.readShapes(file));
        assertTrue(foreign.getMessage().contains("not an MXNet params file"), foreign.getMessage());
    }
}

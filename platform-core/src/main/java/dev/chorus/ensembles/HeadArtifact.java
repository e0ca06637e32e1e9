package dev.chorus.ensembles;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

/**
 * The bytes of a trained head: a manifest (members in concatenation order, classes, spec), the
 * feature scaling, then the network's parameters. Self-describing, so a version can be served
 * from its artifact alone.
 */
public final class HeadArtifact {

    private static final int MAGIC = 0x43484844; // "CHHD"
    private static final int FORMAT = 1;

    /** What the head was trained for. */
    public record Manifest(List<PinnedMember> members, List<String> classes, HeadSpec spec, int inputDimension) {
    }

    private HeadArtifact() {
    }

    public static byte[] write(Manifest manifest, FeatureScaling scaling, Block head) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            byte[] json = Json.GSON.toJson(manifest).getBytes(StandardCharsets.UTF_8);
            out.writeInt(json.length);
            out.write(json);
            out.writeInt(scaling.dimension());
            for (float v : scaling.mean()) {
                out.writeFloat(v);
            }
            for (float v : scaling.std()) {
                out.writeFloat(v);
            }
            head.saveParameters(out);
        } catch (IOException e) {
            throw new IllegalStateException("a head cannot be written to memory", e);
        }
        return bytes.toByteArray();
    }

    /** Builds the head on {@code manager} (which then owns its native memory). */
    public static EnsembleHead read(byte[] artifact, NDManager manager) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(artifact))) {
            if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
                throw new IllegalArgumentException("not a Chorus head artifact of format " + FORMAT);
            }
            byte[] json = in.readNBytes(in.readInt());
            Manifest manifest = Json.GSON.fromJson(new String(json, StandardCharsets.UTF_8), Manifest.class);
            int dimension = in.readInt();
            float[] mean = readFloats(in, dimension);
            float[] std = readFloats(in, dimension);
            Block block = HeadNetwork.build(manifest.spec(), manifest.classes().size());
            block.initialize(manager, DataType.FLOAT32, new Shape(1, dimension));
            block.loadParameters(manager, in);
            return new EnsembleHead(manifest, new FeatureScaling(mean, std), block, manager);
        } catch (IOException | MalformedModelException e) {
            throw new IllegalArgumentException("head artifact cannot be read: " + e.getMessage(), e);
        }
    }

    private static float[] readFloats(DataInputStream in, int count) throws IOException {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }
}

package dev.chorus.plugins.mxnetimport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MXNet's {@code .params} format (what {@code mx.nd.save} and Gluon's {@code export} write), read
 * and written in plain Java so the registry can check a file against its symbol without loading
 * the engine. Little-endian: a list magic and reserved word, the arrays (dense float32 here),
 * then their names ({@code arg:conv0_weight}, {@code aux:bn0_moving_mean}).
 */
public final class MxnetParamsFile {

    static final long LIST_MAGIC = 0x112;
    static final int ARRAY_MAGIC_V2 = 0xF993FAC9;
    static final int ARRAY_MAGIC_V3 = 0xF993FACA;
    static final int ARRAY_MAGIC_V1 = 0xF993FAC8;
    private static final int CPU = 1;
    private static final int FLOAT32 = 0;
    private static final int[] ELEMENT_SIZES = {4, 8, 2, 1, 4, 1, 8, 1, 2};
    private static final long MAX_ARRAYS = 1_000_000;

    /** A named array: its shape, and for written arrays its values. */
    public record Entry(String name, long[] shape, float[] values) {
    }

    private MxnetParamsFile() {
    }

    /** Names and shapes only; the values are skipped, so this is cheap even for large files. */
    public static Map<String, long[]> readShapes(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (readLong(in) != LIST_MAGIC) {
                throw new IOException("not an MXNet params file (bad magic): " + file);
            }
            readLong(in); // reserved
            long count = readCount(in, file);
            List<long[]> shapes = new ArrayList<>();
            for (long i = 0; i < count; i++) {
                shapes.add(skipArray(in, file));
            }
            long names = readCount(in, file);
            if (names != count) {
                throw new IOException(file + " has " + count + " arrays but " + names + " names");
            }
            Map<String, long[]> result = new LinkedHashMap<>();
            for (long[] shape : shapes) {
                result.put(readString(in), shape);
            }
            return result;
        } catch (EOFException e) {
            throw new IOException("MXNet params file is truncated: " + file, e);
        }
    }

    public static void write(Path file, List<Entry> entries) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(littleEndian(16).putLong(LIST_MAGIC).putLong(0).array());
            out.write(littleEndian(8).putLong(entries.size()).array());
            for (Entry entry : entries) {
                writeArray(out, entry);
            }
            out.write(littleEndian(8).putLong(entries.size()).array());
            for (Entry entry : entries) {
                byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
                out.write(littleEndian(8).putLong(name.length).array());
                out.write(name);
            }
        }
    }

    private static void writeArray(OutputStream out, Entry entry) throws IOException {
        long size = 1;
        for (long dim : entry.shape()) {
            size *= dim;
        }
        if (size != entry.values().length) {
            throw new IllegalArgumentException(entry.name() + ": shape holds " + size + " values, got "
                    + entry.values().length);
        }
        ByteBuffer header = littleEndian(4 + 4 + 4 + 8 * entry.shape().length + 4 + 4 + 4);
        header.putInt(ARRAY_MAGIC_V2).putInt(0).putInt(entry.shape().length);
        for (long dim : entry.shape()) {
            header.putLong(dim);
        }
        header.putInt(CPU).putInt(0).putInt(FLOAT32);
        out.write(header.array());
        ByteBuffer data = littleEndian(4 * entry.values().length);
        for (float value : entry.values()) {
            data.putFloat(value);
        }
        out.write(data.array());
    }

    private static long[] skipArray(DataInputStream in, Path file) throws IOException {
        int magic = readInt(in);
        if (magic != ARRAY_MAGIC_V2 && magic != ARRAY_MAGIC_V3) {
            throw new IOException("unsupported array encoding 0x" + Integer.toHexString(magic) + " in " + file
                    + (magic == ARRAY_MAGIC_V1 ? " (MXNet 0.x format; re-export it with a newer MXNet)" : ""));
        }
        int storage = readInt(in);
        if (storage != 0) {
            throw new IOException("sparse arrays are not supported as backbone weights: " + file);
        }
        int ndim = readInt(in);
        if (ndim < 0 || ndim > 32) {
            throw new IOException("corrupt array header (" + ndim + " dimensions) in " + file);
        }
        long[] shape = new long[ndim];
        long size = ndim == 0 ? 0 : 1;
        for (int d = 0; d < ndim; d++) {
            shape[d] = readLong(in);
            if (shape[d] < 0) {
                throw new IOException("corrupt array header (negative dimension) in " + file);
            }
            size *= shape[d];
        }
        if (ndim == 0) {
            return shape;
        }
        readInt(in); // device type
        readInt(in); // device id
        int type = readInt(in);
        if (type < 0 || type >= ELEMENT_SIZES.length) {
            throw new IOException("unknown element type " + type + " in " + file);
        }
        in.skipNBytes(size * ELEMENT_SIZES[type]);
        return shape;
    }

    private static long readCount(DataInputStream in, Path file) throws IOException {
        long count = readLong(in);
        if (count < 0 || count > MAX_ARRAYS) {
            throw new IOException("corrupt MXNet params file (" + count + " entries): " + file);
        }
        return count;
    }

    private static String readString(InputStream in) throws IOException {
        long length = readLong(in);
        if (length < 0 || length > 4096) {
            throw new IOException("corrupt array name length " + length);
        }
        return new String(in.readNBytes((int) length), StandardCharsets.UTF_8);
    }

    private static long readLong(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(8);
        if (bytes.length < 8) {
            throw new EOFException();
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static int readInt(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(4);
        if (bytes.length < 4) {
            throw new EOFException();
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static ByteBuffer littleEndian(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}

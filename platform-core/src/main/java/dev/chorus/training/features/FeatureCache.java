package dev.chorus.training.features;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import com.google.gson.Gson;

/**
 * Pooled features on disk, one file per {@link FeatureKey}, each with a manifest holding its
 * SHA-256: a corrupted entry is detected on read, dropped and extracted again. Entries are
 * written under a temporary name and moved into place, so a crash never leaves half an entry.
 * The cache is bounded: beyond its size the least recently used entries are evicted.
 */
public final class FeatureCache {

    private static final Logger LOG = Logger.getLogger(FeatureCache.class);
    private static final Gson GSON = new Gson();
    private static final int MAGIC = 0x43484654; // "CHFT"
    private static final int CHUNK = 1 << 20;

    private final Path directory;
    private final long maxBytes;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong corrupted = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();

    public FeatureCache(Path directory, long maxBytes) {
        this.directory = directory;
        this.maxBytes = maxBytes;
        try {
            Files.createDirectories(directory);
            try (Stream<Path> files = Files.list(directory)) {
                for (Path partial : files.filter(f -> f.getFileName().toString().endsWith(".partial")).toList()) {
                    Files.deleteIfExists(partial);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("feature cache directory " + directory + " is not usable: " + e.getMessage(), e);
        }
    }

    /** Features and whether they came from the cache. */
    public record Lookup(Features features, boolean cached) {
    }

    /** What computes features on a miss. */
    @FunctionalInterface
    public interface Extraction {
        Features extract() throws Exception;
    }

    /** Counters since start, and what is on disk now. */
    public record Stats(long hits, long misses, long corrupted, long evictions, int entries, long bytes) {
    }

    /** The cached features, or extracts and stores them; concurrent callers for one key extract once. */
    public Lookup getOrExtract(FeatureKey key, Extraction extraction) throws Exception {
        String digest = key.digest();
        synchronized (locks.computeIfAbsent(digest, d -> new Object())) {
            Optional<Features> cached = read(key, digest);
            if (cached.isPresent()) {
                hits.incrementAndGet();
                return new Lookup(cached.get(), true);
            }
            misses.incrementAndGet();
            Features features = extraction.extract();
            write(key, digest, features);
            evictBeyondLimit(digest);
            return new Lookup(features, false);
        }
    }

    public Stats stats() {
        List<Path> entries = entries();
        long bytes = entries.stream().mapToLong(FeatureCache::sizeOf).sum();
        return new Stats(hits.get(), misses.get(), corrupted.get(), evictions.get(), entries.size(), bytes);
    }

    public Path directory() {
        return directory;
    }

    /** The data file of a key (tests and operators inspect it). */
    public Path dataFile(FeatureKey key) {
        return directory.resolve(key.digest() + ".features");
    }

    private record Manifest(String key, int rows, int dimension, long bytes, String sha256, String createdAt) {
    }

    private Optional<Features> read(FeatureKey key, String digest) throws IOException {
        Path manifestFile = directory.resolve(digest + ".json");
        Path data = directory.resolve(digest + ".features");
        if (!Files.exists(manifestFile) || !Files.exists(data)) {
            return Optional.empty();
        }
        Manifest manifest = GSON.fromJson(Files.readString(manifestFile), Manifest.class);
        MessageDigest sha = sha256();
        int[] labels = new int[manifest.rows()];
        float[] values = new float[Math.multiplyExact(manifest.rows(), manifest.dimension())];
        try (InputStream in = new DigestInputStream(Files.newInputStream(data), sha)) {
            ByteBuffer header = ByteBuffer.wrap(in.readNBytes(12)).order(ByteOrder.LITTLE_ENDIAN);
            boolean headerMatches = header.remaining() == 12 && header.getInt() == MAGIC
                    && header.getInt() == manifest.rows() && header.getInt() == manifest.dimension();
            if (headerMatches) {
                readInts(in, labels);
                readFloats(in, values);
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }
        String found = HexFormat.of().formatHex(sha.digest());
        if (!found.equals(manifest.sha256())) {
            corrupted.incrementAndGet();
            LOG.warnf("Feature cache entry %s (%s) is corrupted (recorded sha256 %s, file hashes to %s); extracting again",
                    digest, key.describe(), manifest.sha256(), found);
            Files.deleteIfExists(manifestFile);
            Files.deleteIfExists(data);
            return Optional.empty();
        }
        Files.setLastModifiedTime(data, FileTime.from(Instant.now()));
        return Optional.of(new Features(labels, values, manifest.dimension()));
    }

    private void write(FeatureKey key, String digest, Features features) throws IOException {
        Path data = directory.resolve(digest + ".features");
        Path partial = directory.resolve(digest + ".features.partial");
        MessageDigest sha = sha256();
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            buffer.putInt(MAGIC).putInt(features.rows()).putInt(features.dimension());
            for (int label : features.labels()) {
                buffer = room(out, sha, buffer, 4).putInt(label);
            }
            for (float value : features.values()) {
                buffer = room(out, sha, buffer, 4).putFloat(value);
            }
            flush(out, sha, buffer);
            out.force(true);
        }
        Files.move(partial, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Manifest manifest = new Manifest(key.describe(), features.rows(), features.dimension(), Files.size(data),
                HexFormat.of().formatHex(sha.digest()), Instant.now().toString());
        Path manifestPartial = directory.resolve(digest + ".json.partial");
        Files.writeString(manifestPartial, GSON.toJson(manifest), StandardCharsets.UTF_8);
        Files.move(manifestPartial, directory.resolve(digest + ".json"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private void evictBeyondLimit(String keep) {
        List<Path> entries = new ArrayList<>(entries());
        long total = entries.stream().mapToLong(FeatureCache::sizeOf).sum();
        entries.sort(Comparator.comparing(FeatureCache::lastUsed));
        for (Path data : entries) {
            if (total <= maxBytes) {
                return;
            }
            String digest = data.getFileName().toString().replace(".features", "");
            if (digest.equals(keep)) {
                continue;
            }
            long size = sizeOf(data);
            try {
                Files.deleteIfExists(directory.resolve(digest + ".json"));
                Files.deleteIfExists(data);
                total -= size;
                evictions.incrementAndGet();
                LOG.infof("Feature cache: evicted %s (%d bytes) to stay within %d bytes", digest, size, maxBytes);
            } catch (IOException e) {
                LOG.warnf("Feature cache: %s could not be evicted: %s", data, e.getMessage());
            }
        }
        if (total > maxBytes) {
            LOG.warnf("Feature cache holds %d bytes, above its limit of %d: one entry alone is larger", total, maxBytes);
        }
    }

    private List<Path> entries() {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".features")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteBuffer room(FileChannel out, MessageDigest sha, ByteBuffer buffer, int bytes) throws IOException {
        if (buffer.remaining() < bytes) {
            flush(out, sha, buffer);
        }
        return buffer;
    }

    private static void flush(FileChannel out, MessageDigest sha, ByteBuffer buffer) throws IOException {
        buffer.flip();
        sha.update(buffer.array(), 0, buffer.limit());
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
        buffer.clear();
    }

    private static void readInts(InputStream in, int[] target) throws IOException {
        int at = 0;
        while (at < target.length) {
            int count = Math.min(CHUNK / 4, target.length - at);
            ByteBuffer chunk = ByteBuffer.wrap(in.readNBytes(count * 4)).order(ByteOrder.LITTLE_ENDIAN);
            if (chunk.remaining() < count * 4) {
                return; // truncated: the checksum will not match
            }
            chunk.asIntBuffer().get(target, at, count);
            at += count;
        }
    }

    private static void readFloats(InputStream in, float[] target) throws IOException {
        int at = 0;
        while (at < target.length) {
            int count = Math.min(CHUNK / 4, target.length - at);
            ByteBuffer chunk = ByteBuffer.wrap(in.readNBytes(count * 4)).order(ByteOrder.LITTLE_ENDIAN);
            if (chunk.remaining() < count * 4) {
                return;
            }
            chunk.asFloatBuffer().get(target, at, count);
            at += count;
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static FileTime lastUsed(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

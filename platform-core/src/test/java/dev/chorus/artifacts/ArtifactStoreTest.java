package dev.chorus.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.HexFormat;
import java.util.Random;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chorus.errors.NotFoundException;
import io.quarkus.test.junit.QuarkusTest;

/** Artifacts round-trip through PostgreSQL as streams, and damage is always caught. */
@QuarkusTest
class ArtifactStoreTest {

    @Inject
    ArtifactStore store;
    @Inject
    DataSource dataSource;
    @TempDir
    Path dir;

    static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    @Test
    void storesAndReturnsTheSameBytesWithTheirChecksum() throws Exception {
        byte[] content = randomBytes(3_000_000);
        ArtifactRef ref = store.put("weights", "resnet-mini:2", new ByteArrayInputStream(content));
        assertEquals(content.length, ref.sizeBytes());
        assertEquals(HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content)),
                ref.sha256());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.read(ref.id(), out);
        assertArrayEquals(content, out.toByteArray());
        assertEquals(ref, store.verify(ref.id()));
        Path file = dir.resolve("w.params");
        assertEquals(ref, store.copyToFile(ref.id(), file));
        assertArrayEquals(content, Files.readAllBytes(file));
    }

    @Test
    void detectsCorruptedBytesAndLeavesNoFileBehind() throws Exception {
        ArtifactRef ref = store.put("weights", "vgg-mini:2", new ByteArrayInputStream(randomBytes(100_000)));
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT lo_put(content_oid, 5000, '\\xdeadbeef'::bytea) FROM artifact WHERE id = ?")) {
            s.setLong(1, ref.id());
            s.execute();
        }
        ArtifactCorruptedException corrupted = assertThrows(ArtifactCorruptedException.class,
                () -> store.verify(ref.id()));
        assertTrue(corrupted.getMessage().startsWith("artifact " + ref.id() + " (weights 'vgg-mini:2') is corrupted:"
                + " recorded sha256 " + ref.sha256()), corrupted.getMessage());
        Path target = dir.resolve("vgg.params");
        assertThrows(ArtifactCorruptedException.class, () -> store.copyToFile(ref.id(), target));
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(dir.resolve("vgg.params.partial")));
    }

    @Test
    void anUnknownOrDeletedArtifactIsNotFound() {
        ArtifactRef ref = store.put("head", "x", new ByteArrayInputStream(new byte[] {1, 2, 3}));
        store.delete(ref.id());
        assertThrows(NotFoundException.class, () -> store.verify(ref.id()));
        assertThrows(NotFoundException.class, () -> store.describe(987_654_321L));
    }
}

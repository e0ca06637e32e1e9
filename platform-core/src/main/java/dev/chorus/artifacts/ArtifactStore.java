package dev.chorus.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

import javax.sql.DataSource;

import dev.chorus.database.Jdbc;

import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

import dev.chorus.errors.NotFoundException;

/**
 * Artifacts in PostgreSQL large objects. Content is streamed in chunks both ways, never held
 * whole in the heap; its SHA-256 is computed while writing and checked on every read, so a
 * corrupted artifact is always detected before anyone uses it.
 */
public final class ArtifactStore {

    private static final int CHUNK = 1 << 16;

    private final DataSource dataSource;

    public ArtifactStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public ArtifactRef put(String kind, String name, InputStream content) {
        return inTransaction(c -> {
            LargeObjectManager objects = c.unwrap(PGConnection.class).getLargeObjectAPI();
            long oid = objects.createLO(LargeObjectManager.READWRITE);
            MessageDigest digest = sha256();
            long size = 0;
            try (LargeObject object = objects.open(oid, LargeObjectManager.WRITE)) {
                byte[] buffer = new byte[CHUNK];
                for (int read = content.read(buffer); read >= 0; read = content.read(buffer)) {
                    object.write(buffer, 0, read);
                    digest.update(buffer, 0, read);
                    size += read;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading the artifact to store failed: " + e.getMessage(), e);
            }
            String sha = HexFormat.of().formatHex(digest.digest());
            try (PreparedStatement s = c.prepareStatement("INSERT INTO artifact (kind, name, content_oid, size_bytes,"
                    + " sha256) VALUES (?, ?, ?, ?, ?) RETURNING id")) {
                s.setString(1, kind);
                s.setString(2, name);
                s.setLong(3, oid);
                s.setLong(4, size);
                s.setString(5, sha);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return new ArtifactRef(rs.getLong(1), kind, name, size, sha);
                }
            }
        });
    }

    public ArtifactRef describe(long id) {
        return inTransaction(c -> row(c, id).ref());
    }

    /**
     * Streams the content to {@code out}, then checks it. On a mismatch the caller must discard
     * what it received: prefer {@link #copyToFile}, which never leaves a corrupt file behind.
     */
    public ArtifactRef read(long id, OutputStream out) {
        return inTransaction(c -> {
            Row row = row(c, id);
            MessageDigest digest = sha256();
            LargeObjectManager objects = c.unwrap(PGConnection.class).getLargeObjectAPI();
            try (LargeObject object = objects.open(row.oid(), LargeObjectManager.READ)) {
                byte[] buffer = new byte[CHUNK];
                for (int read = object.read(buffer, 0, CHUNK); read > 0; read = object.read(buffer, 0, CHUNK)) {
                    digest.update(buffer, 0, read);
                    if (out != null) {
                        out.write(buffer, 0, read);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String found = HexFormat.of().formatHex(digest.digest());
            if (!found.equals(row.ref().sha256())) {
                throw new ArtifactCorruptedException("artifact " + id + " (" + row.ref().kind() + " '" + row.ref().name()
                        + "') is corrupted: recorded sha256 " + row.ref().sha256() + ", stored bytes hash to " + found);
            }
            return row.ref();
        });
    }

    /** Checks the stored bytes against the recorded checksum without copying them anywhere. */
    public ArtifactRef verify(long id) {
        return read(id, null);
    }

    /** Writes the verified content to {@code target}; on any failure nothing is left at {@code target}. */
    public ArtifactRef copyToFile(long id, Path target) {
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try {
            ArtifactRef ref;
            try (OutputStream out = Files.newOutputStream(partial)) {
                ref = read(id, out);
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return ref;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    public void delete(long id) {
        inTransaction(c -> {
            Row row = row(c, id);
            c.unwrap(PGConnection.class).getLargeObjectAPI().delete(row.oid());
            try (PreparedStatement s = c.prepareStatement("DELETE FROM artifact WHERE id = ?")) {
                s.setLong(1, id);
                s.executeUpdate();
            }
            return null;
        });
    }

    private record Row(ArtifactRef ref, long oid) {
    }

    private static Row row(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT kind, name, content_oid, size_bytes, sha256 FROM artifact WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("no artifact " + id);
                }
                return new Row(new ArtifactRef(id, rs.getString(1), rs.getString(2), rs.getLong(4), rs.getString(5)),
                        rs.getLong(3));
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T inTransaction(Jdbc.Work<T> work) {
        return Jdbc.inTransaction(dataSource, "artifact store", work);
    }
}

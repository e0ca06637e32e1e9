package dev.chorus.database;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS file lock on the embedded database's home, held for as long as one Chorus
 * process uses it. The kernel drops it when the process dies, even by SIGKILL, so a crash never
 * leaves the directory locked.
 */
final class DataHomeLock implements AutoCloseable {

    static final String FILE_NAME = "chorus.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataHomeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataHomeLock acquire(Path home) {
        Path file = home.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String holder = readHolder(file);
                channel.close();
                throw new EmbeddedDatabaseException("The embedded database directory " + home
                        + " is in use by another Chorus process (" + holder + "). Stop that process,"
                        + " or give this one its own directory with chorus.database.embedded.data-dir.");
            }
            writeHolder(channel);
            return new DataHomeLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new EmbeddedDatabaseException("Cannot lock the embedded database directory " + home
                    + " (" + e.getMessage() + "). Check that it is on a local file system and writable.", e);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // Another part of this same JVM holds it: just as much "in use".
            return null;
        }
    }

    private static void writeHolder(FileChannel channel) throws IOException {
        byte[] text = ("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(text), 0);
        channel.force(true);
    }

    private static String readHolder(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "holder unknown" : text;
        } catch (IOException e) {
            return "holder unknown";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing more to release.
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel below releases it as well.
        }
        closeQuietly(channel);
    }
}

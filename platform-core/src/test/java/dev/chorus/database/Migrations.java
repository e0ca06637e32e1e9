package dev.chorus.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The migrations shipped in the source tree, so tests follow the schema as it grows. */
public final class Migrations {

    private static final Path DIRECTORY = Path.of("src/main/resources/db/migration");

    private Migrations() {
    }

    public static String latestVersion() {
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(name -> name.matches("V\\d+__.*\\.sql"))
                    .mapToInt(name -> Integer.parseInt(name.substring(1, name.indexOf("__"))))
                    .max().orElseThrow() + "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

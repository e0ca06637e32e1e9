package dev.chorus.datasets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.chorus.errors.InvalidRequestException;

class ZipImportTest {

    @TempDir
    Path dir;

    ZipImport zips = new ZipImport(1_000_000, 5_000_000, 100);

    @Test
    void refusesEntriesThatEscapeTheTarget() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("train/a/1.png", TestImages.encode(1, "png", 8));
        entries.put("../../evil.sh", "rm -rf /".getBytes());
        Path zip = TestImages.zip(dir.resolve("evil.zip"), entries);
        Path target = Files.createDirectories(dir.resolve("out"));
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> zips.extract(zip, target, ImportProgress.NONE));
        assertTrue(refused.getMessage().contains("'../../evil.sh' points outside"), refused.getMessage());
        assertFalse(Files.exists(dir.getParent().resolve("evil.sh")));
    }

    @Test
    void refusesAbsolutePaths() throws Exception {
        Path zip = TestImages.zip(dir.resolve("abs.zip"), Map.of("/etc/cron.d/x", new byte[] {1}));
        assertThrows(InvalidRequestException.class,
                () -> zips.extract(zip, Files.createDirectories(dir.resolve("out")), ImportProgress.NONE));
    }

    @Test
    void stopsAZipBombByTheBytesActuallyInflated() throws Exception {
        Path zip = TestImages.zip(dir.resolve("bomb.zip"), Map.of("train/a/zeros.png", new byte[20_000_000]));
        assertTrue(Files.size(zip) < 1_000_000, "small on the wire");
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> zips.extract(zip, Files.createDirectories(dir.resolve("out")), ImportProgress.NONE));
        assertTrue(refused.getMessage().contains("a possible zip bomb"), refused.getMessage());
    }

    @Test
    void refusesAnUploadOverTheLimitWhileReceiving() {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> zips.receive(new ByteArrayInputStream(new byte[2_000_000]), dir.resolve("big.zip")));
        assertTrue(refused.getMessage().contains("exceeds the limit of 1000000 bytes"), refused.getMessage());
    }

    @Test
    void refusesSomethingThatIsNotAZip() throws Exception {
        Path fake = Files.writeString(dir.resolve("fake.zip"), "not a zip");
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> zips.extract(fake, Files.createDirectories(dir.resolve("out")), ImportProgress.NONE));
        assertTrue(refused.getMessage().startsWith("not a readable zip file"), refused.getMessage());
    }
}

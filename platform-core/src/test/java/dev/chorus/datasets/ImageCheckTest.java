package dev.chorus.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCheckTest {

    static final long LIMIT = 40_000_000;

    @TempDir
    Path dir;

    @Test
    void acceptsPngAndJpeg() throws Exception {
        assertEquals(Optional.empty(), ImageCheck.problem(TestImages.write(dir.resolve("a.png"), 1), LIMIT));
        assertEquals(Optional.empty(), ImageCheck.problem(TestImages.write(dir.resolve("b.jpg"), 2), LIMIT));
    }

    @Test
    void decodesGifAndBmpThroughImageIosOtherReadersInMemoryToo() throws Exception {
        for (String format : new String[] {"gif", "bmp", "png", "jpeg"}) {
            java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(7, 5,
                    java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            assertTrue(javax.imageio.ImageIO.write(image, format, out), format);
            java.awt.image.BufferedImage decoded = ImageCheck.decode(out.toByteArray(), LIMIT);
            assertEquals(7, decoded.getWidth(), format);
            assertEquals(5, decoded.getHeight(), format);
        }
    }

    @Test
    void refusesAnEmptyFile() throws Exception {
        assertEquals(Optional.of("empty file (0 bytes)"), ImageCheck.problem(Files.write(dir.resolve("e.png"),
                new byte[0]), LIMIT));
    }

    @Test
    void refusesSomethingThatIsNotAnImage() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.png"), "shopping list");
        assertEquals(Optional.of("not an image in a known format (JPEG, PNG, GIF, BMP)"), ImageCheck.problem(text, LIMIT));
    }

    @Test
    void refusesATruncatedJpeg() throws Exception {
        String problem = ImageCheck.problem(TestImages.truncatedJpeg(dir.resolve("t.jpg")), LIMIT).orElseThrow();
        assertTrue(problem.startsWith("truncated or damaged image"), problem);
    }

    @Test
    void refusesADecompressionBombFromItsHeaderAlone() throws Exception {
        String problem = ImageCheck.problem(TestImages.bomb(dir.resolve("bomb.png")), LIMIT).orElseThrow();
        assertTrue(problem.contains("100000x100000 pixels, limit 40000000"), problem);
    }
}

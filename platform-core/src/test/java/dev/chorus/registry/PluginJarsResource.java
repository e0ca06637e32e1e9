package dev.chorus.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import dev.chorus.plugin.api.BackbonePlugin;
import dev.chorus.registry.fixtures.JarPlugin;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A plugin directory as an admin would fill it, made before Chorus starts: a real plugin jar
 * (JarPlugin's class file plus its service declaration), a jar that declares no plugin, and a
 * file that only pretends to be a jar.
 */
public class PluginJarsResource implements QuarkusTestResourceLifecycleManager {

    public static final Path DIRECTORY = Path.of("target/test-plugin-jars");

    @Override
    public Map<String, String> start() {
        try {
            Files.createDirectories(DIRECTORY);
            writeJar(DIRECTORY.resolve("jar-plugin.jar"), true);
            writeJar(DIRECTORY.resolve("no-plugin.jar"), false);
            Files.writeString(DIRECTORY.resolve("corrupt.jar"), "this is not a zip file");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("chorus.plugins.directory", DIRECTORY.toString());
    }

    private static void writeJar(Path jar, boolean withPlugin) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            if (withPlugin) {
                String classFile = JarPlugin.class.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(classFile));
                try (InputStream in = JarPlugin.class.getClassLoader().getResourceAsStream(classFile)) {
                    in.transferTo(out);
                }
                out.putNextEntry(new JarEntry("META-INF/services/" + BackbonePlugin.class.getName()));
                out.write((JarPlugin.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            } else {
                out.putNextEntry(new JarEntry("README.txt"));
                write(out, "no plugin here");
            }
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void stop() {
    }
}

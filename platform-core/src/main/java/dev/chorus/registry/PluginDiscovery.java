package dev.chorus.registry;

import java.io.IOException;
import java.net.MalformedURLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import dev.chorus.plugin.api.BackbonePlugin;

/**
 * Finds backbone plugins: those on Chorus's own class path (bundled) and one class loader per
 * jar in the plugin directory. A plugin that cannot be loaded becomes a {@link Failure}; it never
 * stops discovery of the others.
 */
final class PluginDiscovery {

    private static final Logger LOG = Logger.getLogger(PluginDiscovery.class);

    /** A plugin ready to ask for its backbones, and where it came from. */
    record Found(BackbonePlugin plugin, String source) {
    }

    /** Something that should have been a plugin and is not; {@code id} names it as well as possible. */
    record Failure(String id, String source, String reason) {
    }

    record Result(List<Found> plugins, List<Failure> failures) {
    }

    private PluginDiscovery() {
    }

    static Result discover(ClassLoader platform, Path pluginDirectory) {
        List<Found> found = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        loadAll(ServiceLoader.load(BackbonePlugin.class, platform), "class path", found, failures);
        for (Path jar : jarsIn(pluginDirectory, failures)) {
            loadJar(jar, platform, found, failures);
        }
        return new Result(List.copyOf(found), List.copyOf(failures));
    }

    private static void loadJar(Path jar, ClassLoader platform, List<Found> found, List<Failure> failures) {
        String source = jar.toString();
        try (java.util.jar.JarFile readable = new java.util.jar.JarFile(jar.toFile())) {
            readable.size();
        } catch (IOException e) {
            failures.add(new Failure(jar.getFileName().toString(), source, "not a readable jar file: " + e.getMessage()));
            return;
        }
        try {
            PluginClassLoader loader = new PluginClassLoader("plugin:" + jar.getFileName(), jar.toUri().toURL(), platform);
            int before = found.size() + failures.size();
            loadAll(ServiceLoader.load(BackbonePlugin.class, loader), source, found, failures);
            if (found.size() + failures.size() == before) {
                failures.add(new Failure(jar.getFileName().toString(), source,
                        "the jar declares no " + BackbonePlugin.class.getName()
                                + " in META-INF/services"));
            }
        } catch (MalformedURLException e) {
            failures.add(new Failure(jar.getFileName().toString(), source, "cannot open: " + e.getMessage()));
        }
    }

    /** Walks the service loader by hand: one broken provider must not hide the ones after it. */
    private static void loadAll(ServiceLoader<BackbonePlugin> loader, String source, List<Found> found,
            List<Failure> failures) {
        Iterator<BackbonePlugin> plugins = loader.iterator();
        for (int guard = 0; guard < 10_000; guard++) {
            try {
                if (!plugins.hasNext()) {
                    return;
                }
                BackbonePlugin plugin = plugins.next();
                found.add(new Found(plugin, source));
            } catch (Throwable e) { // ServiceConfigurationError, LinkageError, anything a constructor throws
                LOG.warnf("A backbone plugin from %s could not be loaded: %s", source, describe(e));
                failures.add(new Failure(failedId(e, source), source, "could not be loaded: " + describe(e)));
            }
        }
    }

    private static List<Path> jarsIn(Path directory, List<Failure> failures) {
        if (directory == null || !Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            failures.add(new Failure(directory.getFileName().toString(), directory.toString(),
                    "the plugin directory cannot be listed: " + e.getMessage()));
            return List.of();
        }
    }

    static String describe(Throwable e) {
        Throwable root = e;
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage() == null ? e.getClass().getName() : e.getMessage()));
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            text.append(" <- ").append(root.getClass().getSimpleName()).append(": ").append(root.getMessage());
        }
        return text.toString();
    }

    /** ServiceLoader names the provider class in its message ("Provider x.y.Z could not be instantiated"). */
    private static String failedId(Throwable e, String source) {
        String message = String.valueOf(e.getMessage());
        int start = message.indexOf("Provider ");
        if (start >= 0) {
            String rest = message.substring(start + "Provider ".length());
            int end = rest.indexOf(' ');
            return end > 0 ? rest.substring(0, end) : rest;
        }
        return "unknown plugin from " + source;
    }
}

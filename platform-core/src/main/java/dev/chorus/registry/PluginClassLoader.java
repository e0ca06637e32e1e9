package dev.chorus.registry;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;

/**
 * Loads a plugin jar's own classes from the jar first, so plugins can bring their own versions
 * of libraries; the types shared with Chorus (the plugin API, DJL, the JDK, logging) always come
 * from Chorus, or plugin and platform could not talk to each other.
 */
final class PluginClassLoader extends URLClassLoader {

    private static final List<String> SHARED = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.",
            "dev.chorus.plugin.api.", "ai.djl.", "org.slf4j.", "org.jboss.logging.");

    static {
        registerAsParallelCapable();
    }

    PluginClassLoader(String name, URL jar, ClassLoader parent) {
        super(name, new URL[] {jar}, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (SHARED.stream().anyMatch(name::startsWith)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                try {
                    loaded = findClass(name);
                } catch (ClassNotFoundException notInJar) {
                    loaded = getParent().loadClass(name);
                }
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    /** Service files are read from the jar only, so a jar never re-announces Chorus's own plugins. */
    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : super.getResource(name);
    }

    @Override
    public java.util.Enumeration<URL> getResources(String name) throws java.io.IOException {
        if (name.startsWith("META-INF/services/")) {
            return findResources(name);
        }
        return super.getResources(name);
    }
}

package dev.chorus.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import com.sun.jna.Library;
import com.sun.jna.Native;

import io.quarkus.runtime.StartupEvent;

/**
 * Chooses MXNet's execution engine before anything loads it. Chorus calls MXNet from several
 * threads at once (serving members, batch heads, training jobs): MXNet's default threaded engine
 * funnels every CPU operator through one engine thread, so those threads would share one core.
 * The naive engine runs each operator on the thread that calls it, which is what DJL recommends
 * for multi-threaded inference. MXNet reads the choice from the environment once, when it loads;
 * an operator's own {@code MXNET_ENGINE_TYPE} wins. It also keeps freed native memory in the
 * process ({@link NativeMemory}).
 */
@ApplicationScoped
class EngineSetup {

    static final String ENGINE_VARIABLE = "MXNET_ENGINE_TYPE";
    static final String NAIVE_ENGINE = "NaiveEngine";
    private static final Logger LOG = Logger.getLogger(EngineSetup.class);

    /** The C library's environment: what MXNet's getenv reads (Java's System.getenv is a copy). */
    interface CLibrary extends Library {
        int setenv(String name, String value, int overwrite);

        String getenv(String name);

        /** glibc only: other C libraries have no such symbol (an UnsatisfiedLinkError on the call). */
        int mallopt(int parameter, int value);
    }

    /** Before every other start-up step: some of them (the plugin registry, the scheduler) load MXNet. */
    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 100) StartupEvent event) {
        LOG.info(apply());
        LOG.info(NativeMemory.retainFreedMemory());
    }

    /** What was done, for the log. */
    static synchronized String apply() {
        CLibrary c = Native.load("c", CLibrary.class);
        String chosen = c.getenv(ENGINE_VARIABLE);
        if (chosen != null) {
            return "MXNet engine: " + chosen + " (from " + ENGINE_VARIABLE + ")";
        }
        if (mxnetLoaded()) {
            return "MXNet engine: its default (threaded; MXNet was loaded before Chorus could choose; set "
                    + ENGINE_VARIABLE + "=" + NAIVE_ENGINE + " for parallel inference threads)";
        }
        if (c.setenv(ENGINE_VARIABLE, NAIVE_ENGINE, 0) != 0) {
            return "MXNet engine: its default (threaded; setting " + ENGINE_VARIABLE + " failed)";
        }
        return "MXNet engine: " + NAIVE_ENGINE + " (operators run on their calling threads)";
    }

    private static boolean mxnetLoaded() {
        try {
            return Files.readString(Path.of("/proc/self/maps")).contains("libmxnet");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}

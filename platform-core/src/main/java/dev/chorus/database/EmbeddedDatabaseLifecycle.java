package dev.chorus.database;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/** Ties the embedded server's life to the application's: it stops after everything else. */
@ApplicationScoped
class EmbeddedDatabaseLifecycle {

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 1) StartupEvent event) {
        EmbeddedDatabaseRuntime.markApplicationUp();
    }

    void onStop(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER + 1000) ShutdownEvent event) {
        EmbeddedDatabaseRuntime.stop();
    }
}

package dev.chorus.datasets;

import java.nio.file.Path;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * At start: clears what interrupted imports left, and on a Chorus with no dataset yet imports
 * Fashion-MNIST as the demo dataset when Debian's files are there (in the background, so the
 * platform is up meanwhile).
 */
@ApplicationScoped
class DatasetStartup {

    private static final Logger LOG = Logger.getLogger(DatasetStartup.class);
    static final long DEMO_SEED = 42;

    private final DatasetService datasets;
    private final DatasetsConfig config;

    DatasetStartup(DatasetService datasets, DatasetsConfig config) {
        this.datasets = datasets;
        this.config = config;
    }

    void onStart(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE + 600) StartupEvent event) {
        datasets.removeLeftovers();
        if (!config.demo().enabled() || !datasets.list().isEmpty()) {
            return;
        }
        Path source = Path.of(config.demo().fashionMnistDirectory());
        if (!FashionMnistImport.present(source)) {
            LOG.infof("No dataset yet and no Fashion-MNIST files in %s (apt-get install dataset-fashion-mnist);"
                    + " no demo dataset imported", source);
            return;
        }
        Thread.ofVirtual().name("demo-dataset-import").start(() -> importDemo(source));
    }

    private void importDemo(Path source) {
        LOG.infof("No dataset yet: importing Fashion-MNIST from %s as the demo dataset '%s'", source,
                config.demo().name());
        try {
            datasets.importFashionMnist(config.demo().name(), source, DEMO_SEED, ImportProgress.NONE);
        } catch (RuntimeException e) {
            LOG.warnf("The demo dataset was not imported: %s", e.getMessage());
        }
    }
}

package dev.chorus.artifacts;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The application's artifact store, on its datasource. */
@ApplicationScoped
class Artifacts {

    @Produces
    @ApplicationScoped
    ArtifactStore store(DataSource dataSource) {
        return new ArtifactStore(dataSource);
    }
}

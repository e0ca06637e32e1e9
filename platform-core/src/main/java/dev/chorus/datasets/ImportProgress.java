package dev.chorus.datasets;

/** Told how an import is getting on; called from the importing thread. */
@FunctionalInterface
public interface ImportProgress {

    ImportProgress NONE = (phase, done, total) -> {
    };

    /** @param total 0 when not known yet */
    void update(String phase, long done, long total);
}

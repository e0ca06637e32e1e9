package dev.chorus.datasets;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A file the import left out, and why. */
@Entity
@Table(name = "dataset_skipped_file")
public class DatasetSkippedFile extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "dataset_id", nullable = false, updatable = false)
    public Long datasetId;

    @Column(nullable = false, updatable = false)
    public String path;

    @Column(nullable = false, updatable = false)
    public String reason;
}

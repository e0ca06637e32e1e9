package dev.chorus.datasets;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A registered dataset. Its images are files in {@link #directory} under the datasets directory. */
@Entity
@Table(name = "dataset")
public class Dataset extends PanacheEntityBase {

    public enum Source {
        IMAGE_FOLDER, ZIP_UPLOAD, FASHION_MNIST
    }

    public enum StorageFormat {
        IMAGE_FILES, IDX
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, unique = true, updatable = false)
    public String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    public Source source;

    @Enumerated(EnumType.STRING)
    @Column(name = "storage_format", nullable = false, updatable = false)
    public StorageFormat storageFormat;

    /** Relative to the datasets directory. */
    @Column(nullable = false, unique = true, updatable = false)
    public String directory;

    /** Class names; a label is an index into this list. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, updatable = false)
    public String[] classes;

    @Column(name = "split_seed", nullable = false, updatable = false)
    public long splitSeed;

    @Column(name = "skipped_files", nullable = false, updatable = false)
    public int skippedFiles;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt = Instant.now();

    @Version
    @Column(name = "row_version", nullable = false)
    public long rowVersion;

    public List<String> classList() {
        return List.of(classes);
    }

    public static Optional<Dataset> findByName(String name) {
        return find("name", name).firstResultOptional();
    }
}

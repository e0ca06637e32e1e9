package dev.chorus.ensembles;

import java.time.Instant;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An ensemble's name and which of its revisions is the current definition. */
@Entity
@Table(name = "ensemble")
public class Ensemble extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, unique = true, updatable = false)
    public String name;

    @Column(name = "current_revision", nullable = false)
    public int currentRevision;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt = Instant.now();

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt = Instant.now();

    @Version
    @Column(name = "row_version", nullable = false)
    public long rowVersion;

    public static Optional<Ensemble> findByName(String name) {
        return find("name", name).firstResultOptional();
    }
}

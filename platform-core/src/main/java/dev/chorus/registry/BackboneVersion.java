package dev.chorus.registry;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One version of a backbone as recorded in the registry. */
@Entity
@Table(name = "backbone")
public class BackboneVersion extends PanacheEntityBase {

    public enum Status {
        AVAILABLE, UNAVAILABLE, FAILED
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, updatable = false)
    public String name;

    @Column(nullable = false, updatable = false)
    public String version;

    public String family;

    @Column(nullable = false)
    public String plugin;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    @Column(name = "status_reason")
    public String statusReason;

    @Column(nullable = false)
    public boolean enabled = true;

    @Column(name = "weights_sha256")
    public String weightsSha256;

    @Column(name = "registered_at", nullable = false, updatable = false)
    public Instant registeredAt = Instant.now();

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt = Instant.now();

    @Version
    @Column(name = "row_version", nullable = false)
    public long rowVersion;
}

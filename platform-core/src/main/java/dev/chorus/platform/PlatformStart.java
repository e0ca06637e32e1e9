package dev.chorus.platform;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A start of Chorus on this database; rows are only ever added. */
@Entity
@Table(name = "platform_start")
public class PlatformStart extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "started_at", nullable = false, updatable = false)
    public Instant startedAt;

    @Column(name = "chorus_version", nullable = false, updatable = false)
    public String chorusVersion;

    @Column(nullable = false, updatable = false)
    public String host;

    @Column(nullable = false, updatable = false)
    public long pid;

    @Column(name = "database_kind", nullable = false, updatable = false)
    public String databaseKind;
}

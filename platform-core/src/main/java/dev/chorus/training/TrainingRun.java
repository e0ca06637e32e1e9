package dev.chorus.training;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A training run as stored; read-only here: all writes go through {@link RunQueue}. */
@Entity
@Immutable
@Table(name = "training_run")
public class TrainingRun extends PanacheEntityBase {

    @Id
    public Long id;
    public String kind;
    public String parameters;
    public String ensemble;
    public String dataset;
    @Enumerated(EnumType.STRING)
    public RunState state;
    public int priority;
    @Enumerated(EnumType.STRING)
    @Column(name = "device_request")
    public DeviceRequest deviceRequest;
    public String device;
    @Column(name = "waiting_reason")
    public String waitingReason;
    public int attempt;
    @Column(name = "max_attempts")
    public int maxAttempts;
    @Column(name = "lease_owner")
    public String leaseOwner;
    @Column(name = "cancel_requested")
    public boolean cancelRequested;
    public String phase;
    public Integer epoch;
    public Long step;
    public Float fraction;
    @Column(name = "eta_seconds")
    public Float etaSeconds;
    public String error;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "row_version")
    public long rowVersion;
}

package dev.chorus.ensembles;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One definition of an ensemble, as saved; never changed afterwards (the database refuses). */
@Entity
@Immutable
@IdClass(EnsembleRevision.Key.class)
@Table(name = "ensemble_revision")
public class EnsembleRevision extends PanacheEntityBase {

    @Id
    @Column(name = "ensemble_id")
    public Long ensembleId;

    @Id
    public int revision;

    public String description;

    /** Exact backbone versions ("name:version"), in feature-concatenation order. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    public String[] members;

    @Column(name = "head_spec")
    public String headSpec;

    public String dataset;

    @JdbcTypeCode(SqlTypes.ARRAY)
    public String[] classes;

    @Column(name = "created_at")
    public Instant createdAt = Instant.now();

    public EnsembleDefinition definition(String name) {
        return new EnsembleDefinition(name, description, List.of(members), HeadSpec.fromJson(headSpec), dataset,
                List.of(classes));
    }

    /** The composite primary key. */
    public static class Key implements Serializable {
        public Long ensembleId;
        public int revision;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key k && k.revision == revision && java.util.Objects.equals(k.ensembleId, ensembleId);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(ensembleId, revision);
        }
    }
}

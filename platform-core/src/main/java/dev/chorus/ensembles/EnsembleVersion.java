package dev.chorus.ensembles;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A trained ensemble: the head's weights (an artifact with its SHA-256), the exact member
 * versions, the spec and classes it was trained with, and its evaluation. Immutable.
 */
@Entity
@Immutable
@Table(name = "ensemble_version")
public class EnsembleVersion extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "ensemble_id")
    public Long ensembleId;

    public int version;

    public int revision;

    @Column(name = "training_run_id")
    public long trainingRunId;

    @Column(name = "head_artifact_id")
    public long headArtifactId;

    @Column(name = "head_sha256")
    public String headSha256;

    /** JSON list of {@link PinnedMember}. */
    public String members;

    @Column(name = "head_spec")
    public String headSpec;

    public String dataset;

    @JdbcTypeCode(SqlTypes.ARRAY)
    public String[] classes;

    @Column(name = "test_accuracy")
    public double testAccuracy;

    /** JSON of {@link Evaluation}. */
    public String evaluation;

    /** JSON of {@link TrainingSummary}. */
    public String training;

    @Column(name = "created_at")
    public Instant createdAt = Instant.now();

    public List<PinnedMember> pinnedMembers() {
        return Json.members(members);
    }

    public Evaluation evaluationReport() {
        return Json.GSON.fromJson(evaluation, Evaluation.class);
    }

    public TrainingSummary trainingSummary() {
        return Json.GSON.fromJson(training, TrainingSummary.class);
    }

    public HeadSpec spec() {
        return HeadSpec.fromJson(headSpec);
    }
}

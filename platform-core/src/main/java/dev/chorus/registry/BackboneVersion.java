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

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

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

    @Column(name = "input_height")
    public Integer inputHeight;

    @Column(name = "input_width")
    public Integer inputWidth;

    @Column(name = "input_channels")
    public Integer inputChannels;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "input_mean")
    public float[] inputMean;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "input_std")
    public float[] inputStd;

    @Column(name = "feature_dimension")
    public Integer featureDimension;

    public String engine;

    public String source;

    public String licence;

    @Column(name = "weights_location")
    public String weightsLocation;

    @Column(name = "registered_at", nullable = false, updatable = false)
    public Instant registeredAt = Instant.now();

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt = Instant.now();

    @Column(name = "weights_artifact_id")
    public Long weightsArtifactId;

    public String architecture;

    @Column(name = "parent_backbone")
    public String parentBackbone;

    @Column(name = "trained_on_dataset")
    public String trainedOnDataset;

    @Column(name = "training_run_id")
    public Long trainingRunId;

    public String hyperparameters;

    @Column(name = "test_accuracy")
    public Double testAccuracy;

    @Version
    @Column(name = "row_version", nullable = false)
    public long rowVersion;

    public String key() {
        return name + ":" + version;
    }

    public static java.util.Optional<BackboneVersion> findByKey(String name, String version) {
        return find("name = ?1 and version = ?2", name, version).firstResultOptional();
    }
}

package dev.chorus.datasets;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** How many images of one class one split holds. */
@Entity
@Table(name = "dataset_class_count")
public class DatasetClassCount extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "dataset_id", nullable = false, updatable = false)
    public Long datasetId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    public Split split;

    @Column(name = "class_index", nullable = false, updatable = false)
    public int classIndex;

    @Column(nullable = false, updatable = false)
    public int images;
}

package dev.chorus.registry;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One entry in a backbone version's history; never changed once written. */
@Entity
@Table(name = "backbone_event")
public class BackboneEvent extends PanacheEntityBase {

    public enum Kind {
        REGISTERED, STATUS_CHANGED, WEIGHTS_RECORDED, CONFLICT, ENABLED, DISABLED
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "backbone_id", nullable = false, updatable = false)
    public Long backboneId;

    @Column(nullable = false, updatable = false)
    public Instant at;

    @Column(nullable = false, updatable = false)
    public String kind;

    @Column(nullable = false, updatable = false)
    public String detail;

    static void record(BackboneVersion backbone, Kind kind, String detail) {
        BackboneEvent event = new BackboneEvent();
        event.backboneId = backbone.id;
        event.at = Instant.now();
        event.kind = kind.name();
        event.detail = detail;
        event.persist();
    }

    public static java.util.List<BackboneEvent> history(BackboneVersion backbone) {
        return list("backboneId = ?1 order by at, id", backbone.id);
    }
}

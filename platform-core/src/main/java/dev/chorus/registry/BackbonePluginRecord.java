package dev.chorus.registry;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A plugin as seen at the last start: loaded, or failed and why. */
@Entity
@Table(name = "backbone_plugin")
public class BackbonePluginRecord extends PanacheEntityBase {

    public enum Status {
        LOADED, FAILED
    }

    @Id
    @Column(name = "plugin_id")
    public String pluginId;

    @Column(nullable = false)
    public String source;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    @Column(name = "status_reason")
    public String statusReason;

    @Column(name = "backbone_count", nullable = false)
    public int backboneCount;

    @Column(name = "seen_at", nullable = false)
    public Instant seenAt;
}

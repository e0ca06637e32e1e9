package dev.chorus.registry;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import org.jboss.logging.Logger;

import dev.chorus.plugin.api.Availability;
import dev.chorus.plugin.api.BackboneDescriptor;
import dev.chorus.plugin.api.InputSpec;
import dev.chorus.registry.BackboneEvent.Kind;
import dev.chorus.registry.BackboneVersion.Status;

/**
 * Writes what synchronisation found, one backbone per transaction so that one bad row cannot
 * undo the others. A (name, version) is forever one network with one set of weights: a plugin
 * that later offers different weights or a different shape under it is refused, not obeyed.
 */
@ApplicationScoped
class RegistryWriter {

    private static final Logger LOG = Logger.getLogger(RegistryWriter.class);

    @Transactional(TxType.REQUIRES_NEW)
    void upsert(BackboneDescriptor descriptor, String pluginId, AvailabilityCheck check) {
        BackboneVersion row = BackboneVersion.findByKey(descriptor.name(), descriptor.version()).orElse(null);
        if (row == null) {
            register(descriptor, pluginId, check);
            return;
        }
        row.plugin = pluginId;
        if (row.featureDimension == null) {
            describe(row, descriptor); // recorded before descriptors were kept
        }
        String changedShape = differences(row, descriptor);
        if (changedShape != null) {
            conflict(row, "plugin '" + pluginId + "' now declares a different network under " + row.key() + " ("
                    + changedShape + "); publish it as a new version");
            return;
        }
        if (check.failure() != null) {
            setStatus(row, Status.FAILED, check.failure());
        } else if (check.availability() instanceof Availability.Available available) {
            acceptWeights(row, available.weightsSha256());
        } else {
            setStatus(row, Status.UNAVAILABLE, ((Availability.Unavailable) check.availability()).reason());
        }
    }

    private void register(BackboneDescriptor descriptor, String pluginId, AvailabilityCheck check) {
        BackboneVersion row = new BackboneVersion();
        row.name = descriptor.name();
        row.version = descriptor.version();
        row.plugin = pluginId;
        describe(row, descriptor);
        if (check.failure() != null) {
            row.status = Status.FAILED;
            row.statusReason = check.failure();
        } else if (check.availability() instanceof Availability.Available available) {
            row.status = Status.AVAILABLE;
            row.weightsSha256 = available.weightsSha256();
        } else {
            row.status = Status.UNAVAILABLE;
            row.statusReason = ((Availability.Unavailable) check.availability()).reason();
        }
        row.persist();
        logStatus(row);
        BackboneEvent.record(row, Kind.REGISTERED, "registered from plugin '" + pluginId + "' as " + row.status
                + (row.statusReason == null ? "" : ": " + row.statusReason)
                + (row.weightsSha256 == null ? "" : ", weights sha256 " + row.weightsSha256));
    }

    private void acceptWeights(BackboneVersion row, String sha256) {
        if (row.weightsSha256 == null) {
            row.weightsSha256 = sha256;
            BackboneEvent.record(row, Kind.WEIGHTS_RECORDED, "weights sha256 " + sha256);
        } else if (!row.weightsSha256.equals(sha256)) {
            conflict(row, "its weights changed under the same name and version (recorded sha256 " + row.weightsSha256
                    + ", found " + sha256 + "); restore the recorded weights or publish the new ones as a new version");
            return;
        }
        setStatus(row, Status.AVAILABLE, null);
    }

    private void conflict(BackboneVersion row, String reason) {
        if (row.status != Status.FAILED || !reason.equals(row.statusReason)) {
            BackboneEvent.record(row, Kind.CONFLICT, reason);
        }
        setStatus(row, Status.FAILED, reason);
    }

    private void setStatus(BackboneVersion row, Status status, String reason) {
        if (row.status == status && Objects.equals(row.statusReason, reason)) {
            return;
        }
        BackboneEvent.record(row, Kind.STATUS_CHANGED, row.status + " -> " + status
                + (reason == null ? "" : ": " + reason));
        row.status = status;
        row.statusReason = reason;
        row.updatedAt = Instant.now();
        logStatus(row);
    }

    private static void logStatus(BackboneVersion row) {
        if (row.status == Status.AVAILABLE) {
            LOG.infof("Backbone %s (plugin '%s') is AVAILABLE", row.key(), row.plugin);
        } else {
            LOG.warnf("Backbone %s (plugin '%s') is %s: %s", row.key(), row.plugin, row.status, row.statusReason);
        }
    }

    /** Versions in the registry that no plugin offers any more stay, marked unavailable. */
    @Transactional(TxType.REQUIRES_NEW)
    void markMissing(Collection<String> offeredKeys) {
        List<BackboneVersion> all = BackboneVersion.listAll();
        for (BackboneVersion row : all) {
            if (!offeredKeys.contains(row.key())) {
                setStatus(row, Status.UNAVAILABLE, "no plugin offers it any more (last offered by plugin '"
                        + row.plugin + "')");
            }
        }
    }

    @Transactional(TxType.REQUIRES_NEW)
    void recordPlugin(String pluginId, String source, int backbones, List<String> problems) {
        problems.forEach(problem -> LOG.warnf("Plugin '%s' (%s): %s", pluginId, source, problem));
        BackbonePluginRecord record = BackbonePluginRecord.<BackbonePluginRecord>findByIdOptional(pluginId)
                .orElseGet(BackbonePluginRecord::new);
        boolean isNew = record.pluginId == null;
        record.pluginId = pluginId;
        record.source = source;
        record.status = problems.isEmpty() ? BackbonePluginRecord.Status.LOADED : BackbonePluginRecord.Status.FAILED;
        record.statusReason = problems.isEmpty() ? null : String.join("; ", problems);
        record.backboneCount = backbones;
        record.seenAt = Instant.now();
        if (isNew) {
            record.persist();
        }
    }

    private static void describe(BackboneVersion row, BackboneDescriptor descriptor) {
        InputSpec input = descriptor.input();
        row.family = descriptor.family();
        row.inputHeight = input.height();
        row.inputWidth = input.width();
        row.inputChannels = input.channels();
        row.inputMean = input.mean();
        row.inputStd = input.std();
        row.featureDimension = descriptor.featureDimension();
        row.engine = descriptor.engine();
        row.source = descriptor.source();
        row.licence = descriptor.licence();
        row.weightsLocation = descriptor.weights();
    }

    /** What makes it a different network: its input and its output. Text fields may be reworded. */
    private static String differences(BackboneVersion row, BackboneDescriptor descriptor) {
        InputSpec input = descriptor.input();
        if (!Objects.equals(row.featureDimension, descriptor.featureDimension())) {
            return "feature dimension " + row.featureDimension + " -> " + descriptor.featureDimension();
        }
        if (!Objects.equals(row.inputHeight, input.height()) || !Objects.equals(row.inputWidth, input.width())
                || !Objects.equals(row.inputChannels, input.channels())
                || !Arrays.equals(row.inputMean, input.mean()) || !Arrays.equals(row.inputStd, input.std())) {
            return "input " + row.inputHeight + "x" + row.inputWidth + "x" + row.inputChannels + " -> " + input;
        }
        return null;
    }
}

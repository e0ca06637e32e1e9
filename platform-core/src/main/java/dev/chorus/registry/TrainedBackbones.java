package dev.chorus.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.chorus.artifacts.ArtifactCorruptedException;
import dev.chorus.artifacts.ArtifactStore;
import dev.chorus.plugin.api.Availability;
import dev.chorus.plugin.api.BackboneDescriptor;
import dev.chorus.plugin.api.BackbonePlugin;
import dev.chorus.plugin.api.BackboneProvider;
import dev.chorus.plugin.api.BackboneUnavailableException;
import dev.chorus.plugin.api.FeatureExtractor;
import dev.chorus.plugin.api.PluginContext;
import dev.chorus.plugins.builtincnn.Architecture;
import dev.chorus.plugins.builtincnn.BuiltinCnnPlugin;
import dev.chorus.registry.BackboneVersion.Status;

/**
 * Backbone versions Chorus trained itself, offered to the registry like a plugin's: their
 * weights are artifacts in PostgreSQL, verified (SHA-256) on every availability check and load.
 */
@ApplicationScoped
public class TrainedBackbones implements BackbonePlugin {

    public static final String PLUGIN_ID = "chorus-trained";
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(TrainedBackbones.class);

    private final ArtifactStore artifacts;

    TrainedBackbones(ArtifactStore artifacts) {
        this.artifacts = artifacts;
    }

    @Override
    public String id() {
        return PLUGIN_ID;
    }

    @Override
    public List<BackboneProvider> backbones(PluginContext context) {
        return rows().stream().map(row -> (BackboneProvider) new Trained(row.architecture, row.version,
                row.weightsArtifactId, row.trainingRunId)).toList();
    }

    @Transactional
    List<BackboneVersion> rows() {
        return BackboneVersion.list("weightsArtifactId is not null order by name, version");
    }

    /** The next free version number of an architecture (1 is the file-based builtin). */
    @Transactional
    public String nextVersion(Architecture architecture) {
        int highest = BackboneVersion.<BackboneVersion>list("name", architecture.backboneName()).stream()
                .map(b -> b.version).filter(v -> v.matches("\\d{1,9}")).mapToInt(Integer::parseInt).max().orElse(1);
        return Integer.toString(Math.max(1, highest) + 1);
    }

    /** Registers a freshly trained version, with its lineage; the registry then offers it. */
    @Transactional
    public BackboneVersion register(Architecture architecture, String version, long artifactId, String sha256,
            Lineage lineage) {
        BackboneDescriptor descriptor = descriptor(architecture, version, artifactId, lineage.runId());
        BackboneVersion row = new BackboneVersion();
        row.name = descriptor.name();
        row.version = version;
        row.plugin = PLUGIN_ID;
        row.family = descriptor.family();
        row.inputHeight = descriptor.input().height();
        row.inputWidth = descriptor.input().width();
        row.inputChannels = descriptor.input().channels();
        row.inputMean = descriptor.input().mean();
        row.inputStd = descriptor.input().std();
        row.featureDimension = descriptor.featureDimension();
        row.engine = descriptor.engine();
        row.source = descriptor.source();
        row.licence = descriptor.licence();
        row.weightsLocation = descriptor.weights();
        row.status = Status.AVAILABLE;
        row.weightsSha256 = sha256;
        row.weightsArtifactId = artifactId;
        row.architecture = architecture.name();
        row.parentBackbone = lineage.parent();
        row.trainedOnDataset = lineage.dataset();
        row.trainingRunId = lineage.runId();
        row.hyperparameters = lineage.hyperparameters();
        row.testAccuracy = lineage.testAccuracy();
        row.persist();
        LOG.infof("Backbone %s registered: trained by run %d on '%s', test accuracy %.4f", row.key(), lineage.runId(),
                lineage.dataset(), lineage.testAccuracy());
        BackboneEvent.record(row, BackboneEvent.Kind.REGISTERED, "trained by run " + lineage.runId() + " on dataset '"
                + lineage.dataset() + "'" + (lineage.parent() == null ? "" : " from " + lineage.parent())
                + ", test accuracy " + lineage.testAccuracy() + ", weights sha256 " + sha256);
        return row;
    }

    /** Where a trained version came from. */
    public record Lineage(String parent, String dataset, long runId, String hyperparameters, double testAccuracy) {
    }

    static BackboneDescriptor descriptor(Architecture architecture, String version, long artifactId, Long runId) {
        BackboneDescriptor base = BuiltinCnnPlugin.descriptor(architecture, version);
        return new BackboneDescriptor(base.name(), version, base.family(), base.input(), base.featureDimension(),
                base.engine(), "trained by Chorus run " + runId, base.licence(), "artifact " + artifactId);
    }

    /** Copies the verified weights to a temporary file and loads them into the architecture. */
    private final class Trained implements BackboneProvider {
        private final Architecture architecture;
        private final long artifactId;
        private final BackboneDescriptor descriptor;

        Trained(String architecture, String version, long artifactId, Long runId) {
            this.architecture = Architecture.valueOf(architecture);
            this.artifactId = artifactId;
            this.descriptor = TrainedBackbones.descriptor(this.architecture, version, artifactId, runId);
        }

        @Override
        public BackboneDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public Availability availability() {
            try {
                return Availability.available(artifacts.verify(artifactId).sha256());
            } catch (ArtifactCorruptedException e) {
                return Availability.unavailable(e.getMessage());
            }
        }

        @Override
        public FeatureExtractor open() throws BackboneUnavailableException {
            Path directory = null;
            try {
                directory = Files.createTempDirectory("chorus-weights-");
                Path file = directory.resolve(architecture.backboneName() + "-0000.params");
                artifacts.copyToFile(artifactId, file);
                return architecture.open(descriptor, file);
            } catch (ArtifactCorruptedException e) {
                throw new BackboneUnavailableException(e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                deleteQuietly(directory);
            }
        }
    }

    private static void deleteQuietly(Path directory) {
        if (directory == null) {
            return;
        }
        try (var files = Files.walk(directory)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // a temporary directory
        }
    }
}

package dev.chorus.ensembles;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import ai.djl.ndarray.NDManager;
import dev.chorus.artifacts.ArtifactCorruptedException;
import dev.chorus.artifacts.ArtifactRef;
import dev.chorus.artifacts.ArtifactStore;
import dev.chorus.errors.AlreadyExistsException;
import dev.chorus.errors.ConflictException;
import dev.chorus.errors.IntegrityException;
import dev.chorus.errors.InvalidRequestException;
import dev.chorus.errors.NotFoundException;
import dev.chorus.registry.BackboneVersion;

/**
 * Ensemble definitions and their versions. A definition changes only by adding a revision; a
 * version is written once, by the run that trained it, and its head is verified on every load.
 * Versions carry everything serving needs, so deleting a dataset an ensemble was defined on is
 * allowed: only a later stacking run of that revision is refused (the dataset does not exist).
 */
@ApplicationScoped
public class EnsembleService {

    private static final Logger LOG = Logger.getLogger(EnsembleService.class);

    private final EnsembleValidator validator;
    private final ArtifactStore artifacts;

    EnsembleService(EnsembleValidator validator, ArtifactStore artifacts) {
        this.validator = validator;
        this.artifacts = artifacts;
    }

    @Transactional
    public EnsembleRevision create(EnsembleDefinition definition) {
        EnsembleDefinition valid = validator.validated(definition);
        if (Ensemble.findByName(valid.name()).isPresent()) {
            throw new AlreadyExistsException("an ensemble named '" + valid.name() + "' exists already; update it instead");
        }
        Ensemble ensemble = new Ensemble();
        ensemble.name = valid.name();
        ensemble.currentRevision = 1;
        ensemble.persist();
        LOG.infof("Ensemble '%s' created: members %s, dataset '%s'", valid.name(), valid.members(), valid.dataset());
        return addRevision(ensemble, valid, 1);
    }

    /**
     * Saves a changed definition as the next revision; an unchanged one returns the current
     * revision. {@code expectedRevision} (0 = any) guards against overwriting someone else's edit.
     */
    @Transactional
    public EnsembleRevision update(EnsembleDefinition definition, int expectedRevision) {
        Ensemble ensemble = lockedByName(definition.name());
        if (expectedRevision != 0 && expectedRevision != ensemble.currentRevision) {
            throw new ConflictException("ensemble '" + ensemble.name + "' is at revision " + ensemble.currentRevision
                    + ", not " + expectedRevision + "; read it again and reapply the change");
        }
        EnsembleDefinition valid = validator.validated(definition);
        EnsembleRevision current = revision(ensemble, ensemble.currentRevision);
        if (current.definition(ensemble.name).sameAs(valid)) {
            return current;
        }
        ensemble.currentRevision++;
        ensemble.updatedAt = Instant.now();
        LOG.infof("Ensemble '%s' revision %d: members %s, dataset '%s'", ensemble.name, ensemble.currentRevision,
                valid.members(), valid.dataset());
        return addRevision(ensemble, valid, ensemble.currentRevision);
    }

    private static EnsembleRevision addRevision(Ensemble ensemble, EnsembleDefinition valid, int number) {
        EnsembleRevision revision = new EnsembleRevision();
        revision.ensembleId = ensemble.id;
        revision.revision = number;
        revision.description = valid.description();
        revision.members = valid.members().toArray(String[]::new);
        revision.headSpec = valid.head().toJson();
        revision.dataset = valid.dataset();
        revision.classes = valid.classes().toArray(String[]::new);
        revision.persist();
        return revision;
    }

    @Transactional
    public List<Ensemble> list() {
        return Ensemble.list("order by name");
    }

    @Transactional
    public Ensemble get(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidRequestException("an ensemble name is required");
        }
        return Ensemble.findByName(name).orElseThrow(() -> new NotFoundException("no ensemble named '" + name + "'"));
    }

    /** A revision of the ensemble; 0 means the current one. */
    @Transactional
    public EnsembleRevision revision(String name, int revision) {
        Ensemble ensemble = get(name);
        return revision(ensemble, revision == 0 ? ensemble.currentRevision : revision);
    }

    @Transactional
    public List<EnsembleRevision> revisions(String name) {
        return EnsembleRevision.list("ensembleId = ?1 order by revision", get(name).id);
    }

    /** A revision to train, its members pinned to what the registry holds now. */
    public record TrainingPlan(int revision, EnsembleDefinition definition, List<PinnedMember> members) {
    }

    /** Re-checks a revision (members may have been disabled or found corrupted since it was saved). */
    @Transactional
    public TrainingPlan planTraining(String name, int revision) {
        EnsembleRevision saved = revision(name, revision);
        EnsembleDefinition definition = validator.validated(saved.definition(name));
        List<PinnedMember> members = definition.members().stream().map(EnsembleService::pin).toList();
        return new TrainingPlan(saved.revision, definition, members);
    }

    private static PinnedMember pin(String key) {
        int colon = key.lastIndexOf(':');
        BackboneVersion b = BackboneVersion.findByKey(key.substring(0, colon), key.substring(colon + 1)).orElseThrow();
        return new PinnedMember(b.key(), b.weightsSha256, b.featureDimension, b.inputHeight, b.inputWidth,
                b.inputChannels, b.inputMean, b.inputStd);
    }

    @Transactional
    public List<EnsembleVersion> versions(String name) {
        return EnsembleVersion.list("ensembleId = ?1 order by version", get(name).id);
    }

    /** A version of the ensemble; 0 means the latest. */
    @Transactional
    public EnsembleVersion version(String name, int version) {
        Ensemble ensemble = get(name);
        Optional<EnsembleVersion> found = version == 0
                ? EnsembleVersion.<EnsembleVersion>find("ensembleId = ?1 order by version desc", ensemble.id)
                        .firstResultOptional()
                : EnsembleVersion.<EnsembleVersion>find("ensembleId = ?1 and version = ?2", ensemble.id, version)
                        .firstResultOptional();
        return found.orElseThrow(() -> new NotFoundException(version == 0
                ? "ensemble '" + name + "' has no versions yet; start a stacking run"
                : "ensemble '" + name + "' has no version " + version));
    }

    @Transactional
    public Optional<EnsembleVersion> versionTrainedBy(long runId) {
        return EnsembleVersion.find("trainingRunId", runId).firstResultOptional();
    }

    /** What a stacking run produced; the version number is assigned here. */
    public record NewVersion(String ensemble, int revision, long runId, ArtifactRef head, List<PinnedMember> members,
            HeadSpec spec, String dataset, List<String> classes, Evaluation evaluation, TrainingSummary training) {
    }

    /** Writes the next version; a run that already wrote one (and was retried) gets that one back. */
    @Transactional
    public EnsembleVersion register(NewVersion created) {
        Ensemble ensemble = lockedByName(created.ensemble());
        Optional<EnsembleVersion> existing = versionTrainedBy(created.runId());
        if (existing.isPresent()) {
            return existing.get();
        }
        Integer highest = EnsembleVersion.getEntityManager()
                .createQuery("select max(v.version) from EnsembleVersion v where v.ensembleId = ?1", Integer.class)
                .setParameter(1, ensemble.id).getSingleResult();
        EnsembleVersion version = new EnsembleVersion();
        version.ensembleId = ensemble.id;
        version.version = highest == null ? 1 : highest + 1;
        version.revision = created.revision();
        version.trainingRunId = created.runId();
        version.headArtifactId = created.head().id();
        version.headSha256 = created.head().sha256();
        version.members = Json.GSON.toJson(created.members());
        version.headSpec = created.spec().toJson();
        version.dataset = created.dataset();
        version.classes = created.classes().toArray(String[]::new);
        version.testAccuracy = created.evaluation().ensemble().accuracy();
        version.evaluation = Json.GSON.toJson(created.evaluation());
        version.training = Json.GSON.toJson(created.training());
        version.persist();
        ensemble.updatedAt = Instant.now();
        Evaluation e = created.evaluation();
        LOG.infof("Ensemble '%s' version %d from run %d: test accuracy %.4f (best member %.4f, averaging %.4f)",
                ensemble.name, version.version, created.runId(), e.ensemble().accuracy(), e.bestMemberAccuracy(),
                e.averaging().accuracy());
        return version;
    }

    /** The head's bytes, checked against the SHA-256 the version pinned. */
    public byte[] verifiedHead(EnsembleVersion version) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ArtifactRef ref = artifacts.read(version.headArtifactId, bytes);
            if (!ref.sha256().equals(version.headSha256)) {
                throw new IntegrityException("head of version " + version.version + " is not the one it was trained"
                        + " with: version pinned sha256 " + version.headSha256 + ", artifact records " + ref.sha256());
            }
        } catch (ArtifactCorruptedException e) {
            throw new IntegrityException("head of version " + version.version + " cannot be used: " + e.getMessage());
        }
        return bytes.toByteArray();
    }

    /** Loads a version's head after verifying it; the caller closes it. */
    public EnsembleHead loadHead(EnsembleVersion version) {
        byte[] bytes = verifiedHead(version);
        NDManager manager = NDManager.newBaseManager();
        try {
            return HeadArtifact.read(bytes, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Serialises revisions and version numbering of one ensemble across every Chorus process. */
    private Ensemble lockedByName(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidRequestException("an ensemble name is required");
        }
        return Ensemble.<Ensemble>find("name", name).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional()
                .orElseThrow(() -> new NotFoundException("no ensemble named '" + name + "'"));
    }

    private static EnsembleRevision revision(Ensemble ensemble, int number) {
        return EnsembleRevision.<EnsembleRevision>find("ensembleId = ?1 and revision = ?2", ensemble.id, number)
                .firstResultOptional().orElseThrow(() -> new NotFoundException("ensemble '" + ensemble.name
                        + "' has no revision " + number + " (current is " + ensemble.currentRevision + ")"));
    }
}

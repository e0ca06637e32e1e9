package dev.chorus.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import dev.chorus.datasets.DatasetService;
import dev.chorus.ensembles.EnsembleDefinition;
import dev.chorus.ensembles.EnsembleService;
import dev.chorus.ensembles.EnsembleVersion;
import dev.chorus.ensembles.Evaluation;
import dev.chorus.ensembles.HeadSpec;
import dev.chorus.errors.NotFoundException;
import dev.chorus.plugins.builtincnn.Architecture;
import dev.chorus.registry.BackboneVersion;
import dev.chorus.training.DeviceRequest;
import dev.chorus.training.RunRequest;
import dev.chorus.training.RunState;
import dev.chorus.training.TrainingRun;
import dev.chorus.training.TrainingService;
import dev.chorus.training.backbones.PretrainBackboneJob;
import dev.chorus.training.stacking.StackingJob;
import dev.chorus.training.stacking.StackingRuns;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The first-run demo, driven only through the services any admin uses: once the demo dataset
 * exists, pretrain the three builtin architectures on it, compose them into an ensemble and stack
 * it. Every step is an ordinary run (visible in the admin API); the log tells the story. Resumes
 * after a restart: finished steps are found, not repeated.
 */
@ApplicationScoped
class DemoEnsemble {

    private static final Logger LOG = Logger.getLogger(DemoEnsemble.class);
    private static final Duration POLL = Duration.ofSeconds(2);
    private static final Duration REPORT_EVERY = Duration.ofSeconds(30);
    private static final Duration DATASET_WAIT = Duration.ofMinutes(2);

    private final DemoConfig config;
    private final DatasetService datasets;
    private final TrainingService training;
    private final EnsembleService ensembles;
    private final StackingRuns stacking;
    private volatile boolean stopping;
    private volatile Thread thread;

    DemoEnsemble(DemoConfig config, DatasetService datasets, TrainingService training, EnsembleService ensembles,
            StackingRuns stacking) {
        this.config = config;
        this.datasets = datasets;
        this.training = training;
        this.ensembles = ensembles;
        this.stacking = stacking;
    }

    void onStart(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE + 800) StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        thread = Thread.ofVirtual().name("demo-ensemble").start(this::buildQuietly);
    }

    void onStop(@Observes @Priority(Interceptor.Priority.APPLICATION - 10) ShutdownEvent event) {
        stopping = true;
        Thread running = thread;
        if (running != null) {
            running.interrupt();
        }
    }

    private void buildQuietly() {
        try {
            build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!stopping) {
                LOG.warnf("Demo ensemble: stopped: %s (the runs it started are in the admin API)", e.getMessage());
            }
        }
    }

    private void build() throws InterruptedException {
        if (hasVersion()) {
            return;
        }
        if (!awaitDataset()) {
            return;
        }
        LOG.infof("Demo ensemble '%s': pretraining the builtin backbones on '%s' (%d epochs each), then stacking;"
                + " watch it here or with Runs.ListRuns (disable with chorus.demo.ensemble.enabled=false)",
                config.name(), config.dataset(), config.pretrainEpochs());
        List<String> members = new ArrayList<>();
        for (Architecture architecture : Architecture.values()) {
            Optional<String> member = pretrained(architecture);
            if (member.isEmpty()) {
                return;
            }
            members.add(member.get());
        }
        compose(members);
        long runId = activeRun(StackingJob.NAME, Map.of("ensemble", config.name())).orElseGet(() ->
                stacking.start(config.name(), 0, DeviceRequest.GPU_PREFERRED, 0, 3));
        TrainingRun run = follow(runId, "stacking '" + config.name() + "'");
        if (run.state == RunState.SUCCEEDED) {
            report(ensembles.version(config.name(), 0));
        }
    }

    private boolean hasVersion() {
        try {
            EnsembleVersion version = ensembles.version(config.name(), 0);
            LOG.infof("Demo ensemble '%s' is ready: version %d, test accuracy %.4f", config.name(), version.version,
                    version.testAccuracy);
            return true;
        } catch (NotFoundException none) {
            return false;
        }
    }

    private boolean awaitDataset() throws InterruptedException {
        long deadline = System.nanoTime() + DATASET_WAIT.toNanos();
        while (datasets.find(config.dataset()).isEmpty()) {
            if (System.nanoTime() > deadline || stopping) {
                LOG.infof("Demo ensemble: no dataset '%s' (the demo dataset needs dataset-fashion-mnist); no demo"
                        + " ensemble", config.dataset());
                return false;
            }
            Thread.sleep(POLL);
        }
        return true;
    }

    /** The newest available version of the architecture trained on the demo dataset, training one if needed. */
    private Optional<String> pretrained(Architecture architecture) throws InterruptedException {
        Optional<String> existing = trainedVersion(architecture);
        if (existing.isPresent()) {
            return existing;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("architecture", architecture.backboneName());
        parameters.put("dataset", config.dataset());
        parameters.put("epochs", Integer.toString(config.pretrainEpochs()));
        parameters.put("schedule", "cosine");
        parameters.put("augment", Boolean.toString(config.pretrainAugment()));
        long runId = activeRun(PretrainBackboneJob.NAME, Map.of("architecture", architecture.backboneName(),
                "dataset", config.dataset())).orElseGet(() -> training.submit(new RunRequest(PretrainBackboneJob.NAME,
                        parameters, null, config.dataset(), 0, DeviceRequest.GPU_PREFERRED, 3)));
        TrainingRun run = follow(runId, "pretraining " + architecture.backboneName());
        if (run.state != RunState.SUCCEEDED) {
            return Optional.empty();
        }
        return trainedVersion(architecture);
    }

    private Optional<String> trainedVersion(Architecture architecture) {
        return QuarkusTransaction.requiringNew().call(() -> BackboneVersion.<BackboneVersion>find(
                "architecture = ?1 and trainedOnDataset = ?2 and status = ?3 and enabled = true order by registeredAt desc",
                architecture.name(), config.dataset(), BackboneVersion.Status.AVAILABLE).firstResultOptional()
                .map(BackboneVersion::key));
    }

    /** A queued or running run of this kind whose parameters include these. */
    private Optional<Long> activeRun(String kind, Map<String, String> having) {
        for (RunState state : List.of(RunState.RUNNING, RunState.QUEUED)) {
            for (TrainingRun run : training.list(Optional.of(state), Optional.empty(), 1000)) {
                if (run.kind.equals(kind) && RunRequest.parameters(run.parameters).entrySet().containsAll(having.entrySet())) {
                    return Optional.of(run.id);
                }
            }
        }
        return Optional.empty();
    }

    private void compose(List<String> members) {
        HeadSpec head = new HeadSpec(config.headHiddenUnits(), "relu", config.headDropout(), "adam", 0.001, 128,
                config.headEpochs(), 4, 42);
        EnsembleDefinition definition = new EnsembleDefinition(config.name(), "First-run demo: the three builtin"
                + " backbones pretrained on " + config.dataset() + ", stacked", members, head, config.dataset(), List.of());
        try {
            ensembles.update(definition, 0);
        } catch (NotFoundException absent) {
            ensembles.create(definition);
        }
    }

    /** Logs the run's progress every half minute until it ends. */
    private TrainingRun follow(long runId, String what) throws InterruptedException {
        long nextReport = 0;
        while (true) {
            TrainingRun run = training.get(runId);
            if (run.state.isTerminal()) {
                LOG.infof("Demo ensemble: %s (run %d) %s%s", what, runId, run.state,
                        run.error == null ? "" : ": " + run.error);
                return run;
            }
            if (System.nanoTime() >= nextReport) {
                LOG.infof("Demo ensemble: %s (run %d) %s, %s%s%s", what, runId, run.state,
                        run.phase == null ? "waiting" : run.phase,
                        run.fraction == null ? "" : String.format(", %.0f%%", run.fraction * 100),
                        run.etaSeconds == null ? "" : String.format(", about %.0f s left", run.etaSeconds));
                nextReport = System.nanoTime() + REPORT_EVERY.toNanos();
            }
            Thread.sleep(POLL);
        }
    }

    private void report(EnsembleVersion version) {
        Evaluation e = version.evaluationReport();
        StringBuilder table = new StringBuilder();
        e.members().forEach(m -> table.append(String.format("%n  %-22s %.4f", m.backbone() + " alone", m.accuracy())));
        table.append(String.format("%n  %-22s %.4f%n  %-22s %.4f", "averaging", e.averaging().accuracy(), "stacked",
                e.ensemble().accuracy()));
        LOG.infof("Demo ensemble '%s' version %d is ready; test accuracy:%s", config.name(), version.version, table);
    }
}

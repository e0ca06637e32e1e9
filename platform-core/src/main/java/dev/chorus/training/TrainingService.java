package dev.chorus.training;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import dev.chorus.datasets.DatasetUsage;
import dev.chorus.errors.InvalidRequestException;
import dev.chorus.errors.NotFoundException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/** Training runs for the rest of Chorus: submit, inspect, cancel, retry; and this process's worker. */
@ApplicationScoped
public class TrainingService implements DatasetUsage {

    private static final Logger LOG = Logger.getLogger(TrainingService.class);

    private final RunQueue queue;
    private final TrainingConfig config;
    private final Map<String, JobKind> kinds;
    private final EntityManager entityManager;
    private volatile SchedulerCore worker;

    TrainingService(DataSource dataSource, TrainingConfig config, @Any Instance<JobKind> kinds,
            EntityManager entityManager) {
        this.queue = new RunQueue(dataSource);
        this.config = config;
        this.kinds = kinds.stream().collect(Collectors.toMap(JobKind::name, Function.identity()));
        this.entityManager = entityManager;
    }

    /** After the schema is migrated. */
    void onStart(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE + 700) StartupEvent event) {
        if (!config.workerEnabled()) {
            LOG.info("No training worker in this process (chorus.training.worker-enabled=false)");
            return;
        }
        SchedulerSettings settings = new SchedulerSettings(config.workerId().orElseGet(TrainingService::hostName),
                config.cpuSlots(), config.gpuSlotsPerDevice(), config.lease(), config.heartbeatInterval(),
                config.pollInterval());
        worker = new SchedulerCore(queue, kinds, settings, Devices.detect());
        worker.start();
    }

    /** Before the database goes away: running jobs stop and their runs go back to the queue. */
    void onStop(@Observes @Priority(Interceptor.Priority.APPLICATION) ShutdownEvent event) {
        if (worker != null) {
            worker.close();
        }
    }

    public RunQueue queue() {
        return queue;
    }

    public Map<String, JobKind> kinds() {
        return kinds;
    }

    public long submit(RunRequest request) {
        if (!kinds.containsKey(request.kind())) {
            throw new InvalidRequestException("no job kind '" + request.kind() + "'; known: " + kinds.keySet());
        }
        long id = queue.submit(request);
        if (worker != null) {
            worker.wake();
        }
        return id;
    }

    public RunState cancel(long runId) {
        RunState state = queue.cancel(runId);
        if (state == RunState.RUNNING && worker != null) {
            worker.cancelLocally(runId);
        }
        return state;
    }

    public void retry(long runId) {
        queue.retry(runId);
        if (worker != null) {
            worker.wake();
        }
    }

    @Transactional
    public TrainingRun get(long runId) {
        TrainingRun run = TrainingRun.findById(runId);
        if (run == null) {
            throw new NotFoundException("no training run " + runId);
        }
        entityManager.refresh(run);
        return run;
    }

    @Transactional
    public List<TrainingRun> list(Optional<RunState> state, Optional<String> ensemble, int limit) {
        StringBuilder query = new StringBuilder("1 = 1");
        Map<String, Object> parameters = new java.util.HashMap<>();
        state.ifPresent(s -> {
            query.append(" and state = :state");
            parameters.put("state", s);
        });
        ensemble.ifPresent(e -> {
            query.append(" and ensemble = :ensemble");
            parameters.put("ensemble", e);
        });
        return TrainingRun.find(query + " order by id desc", parameters).page(0, limit).list();
    }

    /** Epoch metrics of the run's latest attempt, oldest first. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<EpochMetrics> epochs(long runId) {
        List<Object[]> rows = entityManager.createNativeQuery("""
                SELECT epoch, loss, accuracy, validation_loss, validation_accuracy, seconds, images_per_second
                FROM training_run_epoch WHERE run_id = ?1
                  AND attempt = (SELECT max(attempt) FROM training_run_epoch WHERE run_id = ?1)
                ORDER BY epoch""").setParameter(1, runId).getResultList();
        return rows.stream().map(r -> new EpochMetrics(((Number) r[0]).intValue(), number(r[1]), number(r[2]),
                number(r[3]), number(r[4]), number(r[5]), number(r[6]))).toList();
    }

    /** Each state change, oldest first: "from -> to: detail". */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<String> transitions(long runId) {
        List<Object[]> rows = entityManager.createNativeQuery("SELECT from_state, to_state, detail FROM"
                + " training_run_transition WHERE run_id = ?1 ORDER BY id").setParameter(1, runId).getResultList();
        return rows.stream().map(r -> (r[0] == null ? "" : r[0] + " -> ") + r[1] + ": " + r[2]).toList();
    }

    @Override
    @Transactional
    public Optional<String> usedBy(String datasetName) {
        return TrainingRun.<TrainingRun>find("dataset = ?1 and state in (?2, ?3)", datasetName, RunState.QUEUED,
                RunState.RUNNING).firstResultOptional().map(run -> "run " + run.id + " is " + run.state + " on it");
    }

    public Optional<SchedulerCore> worker() {
        return Optional.ofNullable(worker);
    }

    private static double number(Object value) {
        return value == null ? Double.NaN : ((Number) value).doubleValue();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "worker";
        }
    }
}

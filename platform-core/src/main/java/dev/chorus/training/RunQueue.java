package dev.chorus.training;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

import javax.sql.DataSource;

import dev.chorus.database.Jdbc;

import dev.chorus.errors.ConflictException;
import dev.chorus.errors.NotFoundException;

/**
 * The run queue in PostgreSQL, in plain SQL because its correctness is in the SQL: a claim
 * takes the best queued run with {@code FOR UPDATE SKIP LOCKED} (two workers never get the
 * same run), and every write by a worker names its lease, so a worker that lost its lease
 * (expired, taken over, cancelled) can no longer change the run. Every state change is written
 * with a transition row in the same transaction.
 */
public final class RunQueue {

    private final DataSource dataSource;

    public RunQueue(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public long submit(RunRequest request) {
        String sql = """
                INSERT INTO training_run (kind, parameters, ensemble, dataset, state, priority, device_request,
                                          max_attempts)
                VALUES (?, ?, ?, ?, 'QUEUED', ?, ?, ?) RETURNING id""";
        return inTransaction(c -> {
            long id;
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, request.kind());
                s.setString(2, request.parametersJson());
                s.setString(3, request.ensemble());
                s.setString(4, request.dataset());
                s.setInt(5, request.priority());
                s.setString(6, request.device().name());
                s.setInt(7, request.maxAttempts());
                id = single(s);
            }
            transition(c, id, null, RunState.QUEUED, "submitted");
            return id;
        });
    }

    /** Leases the queued run with the highest priority (oldest first) that these devices can run. */
    Optional<Lease> claim(String owner, String instance, Collection<DeviceRequest> acceptable, Collection<String> kinds,
            String device, Duration lease) {
        String sql = """
                UPDATE training_run SET state = 'RUNNING', lease_owner = ?, lease_instance = ?,
                       lease_expires_at = now() + make_interval(secs => ?), heartbeat_at = now(),
                       attempt = attempt + 1, started_at = coalesce(started_at, now()), device = ?,
                       waiting_reason = NULL, updated_at = now(), row_version = row_version + 1
                WHERE id = (SELECT id FROM training_run
                            WHERE state = 'QUEUED' AND device_request = ANY (?) AND kind = ANY (?)
                              AND NOT cancel_requested
                            ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING id, kind, parameters, attempt, checkpoint""";
        return inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, owner);
                s.setString(2, instance);
                s.setDouble(3, lease.toMillis() / 1000.0);
                s.setString(4, device);
                s.setArray(5, c.createArrayOf("text", acceptable.stream().map(Enum::name).toArray()));
                s.setArray(6, c.createArrayOf("text", kinds.toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Lease>empty();
                    }
                    Lease claimed = new Lease(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), device,
                            Optional.ofNullable(rs.getString(5)));
                    transition(c, claimed.runId(), RunState.QUEUED, RunState.RUNNING, "leased by worker " + owner
                            + " on " + device + " (attempt " + claimed.attempt() + ")");
                    return Optional.of(claimed);
                }
            }
        });
    }

    /** What a heartbeat learnt: whether the lease is still ours, and whether someone asked to cancel. */
    record Heartbeat(boolean owned, boolean cancelRequested) {
    }

    Heartbeat heartbeat(long runId, String owner, String instance, Duration lease) {
        String sql = """
                UPDATE training_run SET lease_expires_at = now() + make_interval(secs => ?), heartbeat_at = now()
                WHERE id = ? AND state = 'RUNNING' AND lease_owner = ? AND lease_instance = ?
                RETURNING cancel_requested""";
        return inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setDouble(1, lease.toMillis() / 1000.0);
                s.setLong(2, runId);
                s.setString(3, owner);
                s.setString(4, instance);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? new Heartbeat(true, rs.getBoolean(1)) : new Heartbeat(false, false);
                }
            }
        });
    }

    void progress(long runId, String instance, String phase, Integer epoch, Long step, Double fraction,
            Double etaSeconds) {
        String sql = """
                UPDATE training_run SET phase = ?, epoch = ?, step = ?, fraction = ?, eta_seconds = ?, updated_at = now()
                WHERE id = ? AND state = 'RUNNING' AND lease_instance = ?""";
        inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, phase);
                setNullable(s, 2, epoch, Types.INTEGER);
                setNullable(s, 3, step, Types.BIGINT);
                setNullable(s, 4, fraction, Types.REAL);
                setNullable(s, 5, etaSeconds, Types.REAL);
                s.setLong(6, runId);
                s.setString(7, instance);
                return s.executeUpdate();
            }
        });
    }

    void checkpoint(long runId, String instance, String checkpoint) {
        inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE training_run SET checkpoint = ?, updated_at = now()"
                    + " WHERE id = ? AND state = 'RUNNING' AND lease_instance = ?")) {
                s.setString(1, checkpoint);
                s.setLong(2, runId);
                s.setString(3, instance);
                return s.executeUpdate();
            }
        });
    }

    void recordEpoch(long runId, int attempt, EpochMetrics m) {
        String sql = """
                INSERT INTO training_run_epoch (run_id, attempt, epoch, loss, accuracy, validation_loss,
                                                validation_accuracy, seconds, images_per_second)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run_id, attempt, epoch) DO NOTHING""";
        inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setLong(1, runId);
                s.setInt(2, attempt);
                s.setInt(3, m.epoch());
                s.setDouble(4, m.loss());
                setNullable(s, 5, finite(m.accuracy()), Types.DOUBLE);
                setNullable(s, 6, finite(m.validationLoss()), Types.DOUBLE);
                setNullable(s, 7, finite(m.validationAccuracy()), Types.DOUBLE);
                s.setDouble(8, m.seconds());
                setNullable(s, 9, finite(m.imagesPerSecond()), Types.DOUBLE);
                return s.executeUpdate();
            }
        });
    }

    /** Ends a run this worker holds. False when the lease was lost: then the run is not ours to end. */
    boolean finish(long runId, String instance, RunState outcome, String detail, String error) {
        String sql = """
                UPDATE training_run SET state = ?, error = ?, finished_at = now(), lease_owner = NULL,
                       lease_instance = NULL, lease_expires_at = NULL, updated_at = now(),
                       row_version = row_version + 1
                WHERE id = ? AND state = 'RUNNING' AND lease_instance = ?""";
        return inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, outcome.name());
                s.setString(2, error);
                s.setLong(3, runId);
                s.setString(4, instance);
                if (s.executeUpdate() == 0) {
                    return false;
                }
            }
            transition(c, runId, RunState.RUNNING, outcome, detail);
            return true;
        });
    }

    /** Gives a run this worker holds back to the queue (graceful shutdown). */
    boolean release(long runId, String instance, String detail) {
        String sql = """
                UPDATE training_run SET state = 'QUEUED', lease_owner = NULL, lease_instance = NULL,
                       lease_expires_at = NULL, updated_at = now(), row_version = row_version + 1
                WHERE id = ? AND state = 'RUNNING' AND lease_instance = ?""";
        return inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setLong(1, runId);
                s.setString(2, instance);
                if (s.executeUpdate() == 0) {
                    return false;
                }
            }
            transition(c, runId, RunState.RUNNING, RunState.QUEUED, detail);
            return true;
        });
    }

    /** Runs whose worker stopped renewing its lease go back to the queue, or fail after the last attempt. */
    public int recoverExpired() {
        return recover("lease_expires_at < now()", null, "its worker stopped renewing the lease");
    }

    /** At start: runs this worker held before it restarted are known to be dead; re-queue them now. */
    int requeueOwnStale(String owner, String instance) {
        return recover("lease_owner = ? AND lease_instance <> ?", new String[] {owner, instance},
                "worker " + owner + " restarted while running it");
    }

    private int recover(String condition, String[] parameters, String why) {
        String sql = """
                WITH stale AS (
                    SELECT id, attempt, max_attempts FROM training_run
                    WHERE state = 'RUNNING' AND %s FOR UPDATE SKIP LOCKED
                ), updated AS (
                    UPDATE training_run r
                    SET state = CASE WHEN s.attempt >= s.max_attempts THEN 'FAILED' ELSE 'QUEUED' END,
                        error = CASE WHEN s.attempt >= s.max_attempts
                                     THEN '%s on attempt ' || s.attempt || ' of ' || s.max_attempts || '; giving up'
                                     ELSE r.error END,
                        finished_at = CASE WHEN s.attempt >= s.max_attempts THEN now() END,
                        lease_owner = NULL, lease_instance = NULL, lease_expires_at = NULL,
                        updated_at = now(), row_version = r.row_version + 1
                    FROM stale s WHERE r.id = s.id
                    RETURNING r.id, r.state, s.attempt
                )
                INSERT INTO training_run_transition (run_id, from_state, to_state, detail)
                SELECT id, 'RUNNING', state, '%s (attempt ' || attempt || ')' FROM updated""".formatted(
                condition, why.replace("'", "''"), why.replace("'", "''"));
        return inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                if (parameters != null) {
                    for (int i = 0; i < parameters.length; i++) {
                        s.setString(i + 1, parameters[i]);
                    }
                }
                return s.executeUpdate();
            }
        });
    }

    /** Queued: cancelled at once. Running: asked to stop; its worker stops within one step. */
    public RunState cancel(long runId) {
        return inTransaction(c -> {
            RunState state = lockState(c, runId);
            state.requireCanBecome(RunState.CANCELLED, runId);
            if (state == RunState.QUEUED) {
                update(c, "UPDATE training_run SET state = 'CANCELLED', finished_at = now(), updated_at = now(),"
                        + " row_version = row_version + 1 WHERE id = ?", runId);
                transition(c, runId, RunState.QUEUED, RunState.CANCELLED, "cancelled by an admin before it started");
                return RunState.CANCELLED;
            }
            update(c, "UPDATE training_run SET cancel_requested = TRUE, updated_at = now() WHERE id = ?", runId);
            return RunState.RUNNING;
        });
    }

    /** A failed or cancelled run goes back to the queue with a fresh budget of attempts. */
    public void retry(long runId) {
        inTransaction(c -> {
            RunState state = lockState(c, runId);
            if (!state.isTerminal() || !state.canBecome(RunState.QUEUED)) {
                throw new ConflictException("run " + runId + " is " + state + "; only FAILED or CANCELLED runs can be"
                        + " retried");
            }
            update(c, "UPDATE training_run SET state = 'QUEUED', attempt = 0, error = NULL, cancel_requested = FALSE,"
                    + " finished_at = NULL, checkpoint = NULL, phase = NULL, epoch = NULL, step = NULL,"
                    + " fraction = NULL, eta_seconds = NULL, updated_at = now(), row_version = row_version + 1"
                    + " WHERE id = ?", runId);
            transition(c, runId, state, RunState.QUEUED, "retried by an admin");
            return null;
        });
    }

    /** Says, on queued runs only a GPU could take, why they are still waiting. */
    void explainWaiting(DeviceRequest request, String reason) {
        inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE training_run SET waiting_reason = ?"
                    + " WHERE state = 'QUEUED' AND device_request = ? AND waiting_reason IS DISTINCT FROM ?")) {
                s.setString(1, reason);
                s.setString(2, request.name());
                s.setString(3, reason);
                return s.executeUpdate();
            }
        });
    }

    private static RunState lockState(Connection c, long runId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT state FROM training_run WHERE id = ? FOR UPDATE")) {
            s.setLong(1, runId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("no training run " + runId);
                }
                return RunState.valueOf(rs.getString(1));
            }
        }
    }

    private static void update(Connection c, String sql, long runId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, runId);
            s.executeUpdate();
        }
    }

    private static void transition(Connection c, long runId, RunState from, RunState to, String detail)
            throws SQLException {
        if (from != null) {
            from.requireCanBecome(to, runId);
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO training_run_transition (run_id, from_state, to_state, detail) VALUES (?, ?, ?, ?)")) {
            s.setLong(1, runId);
            s.setString(2, from == null ? null : from.name());
            s.setString(3, to.name());
            s.setString(4, detail);
            s.executeUpdate();
        }
    }

    private static long single(PreparedStatement s) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static void setNullable(PreparedStatement s, int index, Object value, int type) throws SQLException {
        if (value == null) {
            s.setNull(index, type);
        } else {
            s.setObject(index, value, type);
        }
    }

    private <T> T inTransaction(Jdbc.Work<T> work) {
        return Jdbc.inTransaction(dataSource, "run queue", work);
    }
}

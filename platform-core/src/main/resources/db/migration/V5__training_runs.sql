-- Training runs: a durable queue. Workers lease runs (FOR UPDATE SKIP LOCKED), renew the lease
-- with heartbeats, and a lease that expires puts the run back in the queue (up to max_attempts).
CREATE TABLE training_run (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind             TEXT        NOT NULL,
    parameters       TEXT        NOT NULL DEFAULT '{}',
    ensemble         TEXT,
    dataset          TEXT,
    state            TEXT        NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    priority         INTEGER     NOT NULL DEFAULT 0,
    device_request   TEXT        NOT NULL CHECK (device_request IN ('CPU', 'GPU_PREFERRED', 'GPU_REQUIRED')),
    device           TEXT,
    waiting_reason   TEXT,
    attempt          INTEGER     NOT NULL DEFAULT 0,
    max_attempts     INTEGER     NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
    lease_owner      TEXT,
    lease_instance   TEXT,
    lease_expires_at TIMESTAMPTZ,
    heartbeat_at     TIMESTAMPTZ,
    cancel_requested BOOLEAN     NOT NULL DEFAULT FALSE,
    phase            TEXT,
    epoch            INTEGER,
    step             BIGINT,
    fraction         REAL,
    eta_seconds      REAL,
    checkpoint       TEXT,
    error            TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at       TIMESTAMPTZ,
    finished_at      TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    row_version      BIGINT      NOT NULL DEFAULT 0
);
CREATE INDEX training_run_queue ON training_run (priority DESC, id) WHERE state = 'QUEUED';
CREATE INDEX training_run_leases ON training_run (lease_expires_at) WHERE state = 'RUNNING';

-- Per-epoch metrics of each attempt.
CREATE TABLE training_run_epoch (
    run_id              BIGINT           NOT NULL REFERENCES training_run (id) ON DELETE CASCADE,
    attempt             INTEGER          NOT NULL,
    epoch               INTEGER          NOT NULL,
    loss                DOUBLE PRECISION NOT NULL,
    accuracy            DOUBLE PRECISION,
    validation_loss     DOUBLE PRECISION,
    validation_accuracy DOUBLE PRECISION,
    seconds             DOUBLE PRECISION NOT NULL,
    images_per_second   DOUBLE PRECISION,
    recorded_at         TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, attempt, epoch)
);

-- Every state change of a run, with who made it and why.
CREATE TABLE training_run_transition (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id     BIGINT      NOT NULL REFERENCES training_run (id) ON DELETE CASCADE,
    at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    from_state TEXT,
    to_state   TEXT        NOT NULL,
    detail     TEXT        NOT NULL
);
CREATE INDEX training_run_transition_run ON training_run_transition (run_id, id);

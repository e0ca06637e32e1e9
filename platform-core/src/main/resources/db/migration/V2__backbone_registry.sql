-- The registry of backbone versions provided by plugins. A (name, version) pair is forever
-- the same network: rows are updated for availability and admin switches, never re-pointed.
CREATE TABLE backbone (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           TEXT        NOT NULL,
    version        TEXT        NOT NULL,
    family         TEXT,
    plugin         TEXT        NOT NULL,
    status         TEXT        NOT NULL CHECK (status IN ('AVAILABLE', 'UNAVAILABLE', 'FAILED')),
    status_reason  TEXT,
    enabled        BOOLEAN     NOT NULL DEFAULT TRUE,
    weights_sha256 TEXT,
    registered_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    row_version    BIGINT      NOT NULL DEFAULT 0,
    CONSTRAINT backbone_name_version UNIQUE (name, version)
);

-- Every start of Chorus on this database: proves persistence and tells admins the history.
CREATE TABLE platform_start (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at     TIMESTAMPTZ NOT NULL,
    chorus_version TEXT        NOT NULL,
    host           TEXT        NOT NULL,
    pid            BIGINT      NOT NULL,
    database_kind  TEXT        NOT NULL CHECK (database_kind IN ('EMBEDDED', 'EXTERNAL'))
);

CREATE INDEX platform_start_started_at ON platform_start (started_at);

-- What a plugin declares about each backbone version, kept so the registry can be read (and
-- ensembles validated) without loading any plugin code.
ALTER TABLE backbone
    ADD COLUMN input_height      INTEGER,
    ADD COLUMN input_width       INTEGER,
    ADD COLUMN input_channels    INTEGER,
    ADD COLUMN input_mean        REAL[],
    ADD COLUMN input_std         REAL[],
    ADD COLUMN feature_dimension INTEGER,
    ADD COLUMN engine            TEXT,
    ADD COLUMN source            TEXT,
    ADD COLUMN licence           TEXT,
    ADD COLUMN weights_location  TEXT;

-- Everything that ever happened to a backbone version: registered, availability changes,
-- refused weight changes, admin switches. Rows are only ever added.
CREATE TABLE backbone_event (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    backbone_id BIGINT      NOT NULL REFERENCES backbone (id),
    at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    kind        TEXT        NOT NULL,
    detail      TEXT        NOT NULL
);
CREATE INDEX backbone_event_backbone ON backbone_event (backbone_id, at);

-- The plugins seen at the last start, and whether they loaded.
CREATE TABLE backbone_plugin (
    plugin_id      TEXT PRIMARY KEY,
    source         TEXT        NOT NULL,
    status         TEXT        NOT NULL CHECK (status IN ('LOADED', 'FAILED')),
    status_reason  TEXT,
    backbone_count INTEGER     NOT NULL DEFAULT 0,
    seen_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

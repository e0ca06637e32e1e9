-- Ensembles: a name whose definition changes by revisions, and the versions that training runs
-- produce. Revisions and versions are immutable: the database itself refuses to change them, so
-- what a version was trained from can never move under it.
CREATE TABLE ensemble (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             TEXT        NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    current_revision INTEGER     NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    row_version      BIGINT      NOT NULL DEFAULT 0
);

CREATE TABLE ensemble_revision (
    ensemble_id BIGINT      NOT NULL REFERENCES ensemble (id),
    revision    INTEGER     NOT NULL CHECK (revision >= 1),
    description TEXT        NOT NULL DEFAULT '',
    -- exact backbone versions, "name:version", in feature-concatenation order
    members     TEXT[]      NOT NULL,
    -- the head spec as JSON (HeadSpec)
    head_spec   TEXT        NOT NULL,
    dataset     TEXT        NOT NULL,
    classes     TEXT[]      NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (ensemble_id, revision)
);

CREATE TABLE ensemble_version (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ensemble_id      BIGINT      NOT NULL REFERENCES ensemble (id),
    version          INTEGER     NOT NULL CHECK (version >= 1),
    revision         INTEGER     NOT NULL,
    training_run_id  BIGINT      NOT NULL UNIQUE,
    head_artifact_id BIGINT      NOT NULL REFERENCES artifact (id),
    head_sha256      TEXT        NOT NULL,
    -- pinned members as JSON: backbone key, weights sha256, feature dimension, input spec
    members          TEXT        NOT NULL,
    head_spec        TEXT        NOT NULL,
    dataset          TEXT        NOT NULL,
    classes          TEXT[]      NOT NULL,
    test_accuracy    DOUBLE PRECISION NOT NULL,
    -- the test-split evaluation as JSON (ensemble, members, averaging, per class, confusion)
    evaluation       TEXT        NOT NULL,
    -- how it was trained as JSON (epochs, best epoch, phase times, feature cache use)
    training         TEXT        NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (ensemble_id, version),
    FOREIGN KEY (ensemble_id, revision) REFERENCES ensemble_revision (ensemble_id, revision)
);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable', TG_TABLE_NAME;
END $$;

CREATE TRIGGER ensemble_revision_immutable BEFORE UPDATE OR DELETE ON ensemble_revision
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ensemble_version_immutable BEFORE UPDATE OR DELETE ON ensemble_version
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Datasets: the images live in a directory Chorus manages (one sub-directory per dataset);
-- the database holds what they are: classes, per-split counts, and what was skipped at import.
CREATE TABLE dataset (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           TEXT        NOT NULL UNIQUE,
    source         TEXT        NOT NULL CHECK (source IN ('IMAGE_FOLDER', 'ZIP_UPLOAD', 'FASHION_MNIST')),
    storage_format TEXT        NOT NULL CHECK (storage_format IN ('IMAGE_FILES', 'IDX')),
    directory      TEXT        NOT NULL UNIQUE,
    classes        TEXT[]      NOT NULL,
    split_seed     BIGINT      NOT NULL,
    skipped_files  INTEGER     NOT NULL DEFAULT 0,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    row_version    BIGINT      NOT NULL DEFAULT 0
);

CREATE TABLE dataset_class_count (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dataset_id  BIGINT  NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
    split       TEXT    NOT NULL CHECK (split IN ('TRAIN', 'VALIDATION', 'TEST')),
    class_index INTEGER NOT NULL,
    images      INTEGER NOT NULL,
    CONSTRAINT dataset_class_count_key UNIQUE (dataset_id, split, class_index)
);

CREATE TABLE dataset_skipped_file (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dataset_id BIGINT NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
    path       TEXT   NOT NULL,
    reason     TEXT   NOT NULL
);
CREATE INDEX dataset_skipped_file_dataset ON dataset_skipped_file (dataset_id);

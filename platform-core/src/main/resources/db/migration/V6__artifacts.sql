-- Binary artifacts (trained weights, heads) stored in PostgreSQL as large objects, so they are
-- written and read as streams, with a SHA-256 checked on every read.
CREATE TABLE artifact (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        TEXT        NOT NULL,
    name        TEXT        NOT NULL,
    content_oid OID         NOT NULL,
    size_bytes  BIGINT      NOT NULL,
    sha256      TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

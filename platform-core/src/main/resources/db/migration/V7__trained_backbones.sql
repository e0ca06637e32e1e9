-- Backbone versions trained by Chorus itself: weights in the artifact store, and their lineage.
ALTER TABLE backbone
    ADD COLUMN weights_artifact_id BIGINT REFERENCES artifact (id),
    ADD COLUMN architecture        TEXT,
    ADD COLUMN parent_backbone     TEXT,
    ADD COLUMN trained_on_dataset  TEXT,
    ADD COLUMN training_run_id     BIGINT,
    ADD COLUMN hyperparameters     TEXT,
    ADD COLUMN test_accuracy       DOUBLE PRECISION;

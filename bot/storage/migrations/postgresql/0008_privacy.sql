-- PostgreSQL twin of ../0008_privacy.sql: the same tables, columns, constraints and indexes in native
-- types: BIGINT for every integer (SQLite's are 64-bit), TIMESTAMPTZ for instants.
-- A server's privacy choices, and when Hearth was removed from it: its data is erased 30 days
-- later unless Hearth is added back. NULL retention keeps private notes until their owner
-- deletes them.
CREATE TABLE guild_privacy (
    guild_id            BIGINT PRIMARY KEY,
    note_retention_days BIGINT CHECK (note_retention_days IS NULL OR note_retention_days > 0),
    removed_at          TIMESTAMPTZ,
    updated_at          TIMESTAMPTZ NOT NULL
);

-- With HEARTH_DATA_KEY, notes are stored sealed (encrypted, base64, with a prefix), which is
-- longer than the 500 characters a member may write. The 500 limit stays in the application
-- (NOTE_MAX_LENGTH); the database keeps a looser bound that fits a sealed 500-character note.
ALTER TABLE checkins ADD COLUMN note_v2 TEXT CHECK (note_v2 IS NULL OR length(note_v2) <= 4000);
UPDATE checkins SET note_v2 = note;
ALTER TABLE checkins DROP COLUMN note;
ALTER TABLE checkins RENAME COLUMN note_v2 TO note;

ALTER TABLE sobriety_periods ADD COLUMN note_v2 TEXT
    CHECK (note_v2 IS NULL OR length(note_v2) <= 4000);
UPDATE sobriety_periods SET note_v2 = note;
ALTER TABLE sobriety_periods DROP COLUMN note;
ALTER TABLE sobriety_periods RENAME COLUMN note_v2 TO note;

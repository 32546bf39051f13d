-- PostgreSQL twin of ../0001_initial.sql: the same tables, columns, constraints and indexes in native
-- types: BIGINT for every integer (SQLite's are 64-bit), TIMESTAMPTZ for instants.
-- Per-guild configuration set through /hearth setup. Discord ids are 64-bit integers.
-- Times are TIMESTAMPTZ.
CREATE TABLE guild_config (
    guild_id                 BIGINT PRIMARY KEY,
    checkin_channel_id       BIGINT,
    celebrations_channel_id  BIGINT,
    announcements_channel_id BIGINT,
    mod_queue_channel_id     BIGINT,
    moderator_role_id        BIGINT,
    organizer_role_id        BIGINT,
    timezone                 TEXT NOT NULL DEFAULT 'UTC',
    helpline_country         TEXT CHECK (helpline_country IS NULL OR length(helpline_country) = 2),
    created_at               TIMESTAMPTZ NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL
);

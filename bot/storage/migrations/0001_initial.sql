-- Per-guild configuration set through /hearth setup. Discord ids are 64-bit integers.
-- Times are ISO-8601 UTC text ("2026-11-22T18:43:59.123Z").
CREATE TABLE guild_config (
    guild_id                 INTEGER PRIMARY KEY,
    checkin_channel_id       INTEGER,
    celebrations_channel_id  INTEGER,
    announcements_channel_id INTEGER,
    mod_queue_channel_id     INTEGER,
    moderator_role_id        INTEGER,
    organizer_role_id        INTEGER,
    timezone                 TEXT NOT NULL DEFAULT 'UTC',
    helpline_country         TEXT CHECK (helpline_country IS NULL OR length(helpline_country) = 2),
    created_at               TEXT NOT NULL,
    updated_at               TEXT NOT NULL
);

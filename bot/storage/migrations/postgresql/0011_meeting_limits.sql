-- PostgreSQL twin of ../0011_meeting_limits.sql: the same tables, columns, constraints and indexes
-- in native types: BIGINT for every integer (SQLite's are 64-bit), TIMESTAMPTZ for instants.
-- Limits of real servers: meetings that left an imported feed are archived (kept, silent, and
-- back if they reappear); imported meetings are listed in one daily digest; only the soonest
-- meetings are mirrored into Discord's scheduled events (at most 100 per server).
ALTER TABLE meetings ADD COLUMN archived_at TIMESTAMPTZ;  -- NULL: active
CREATE INDEX meetings_active_by_guild ON meetings (guild_id) WHERE archived_at IS NULL;

-- HH:MM in the server's time zone, or 'off'.
ALTER TABLE guild_config ADD COLUMN meeting_digest_time TEXT NOT NULL DEFAULT '08:00';

-- One digest per server and local day, claimed before it is posted so a restart never repeats
-- it (its messages go through the delivery journal, one key per part).
CREATE TABLE meeting_digests (
    guild_id   BIGINT NOT NULL,
    local_date TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'skipped', 'failed')),
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (guild_id, local_date)
);

-- How many scheduled events Hearth may use in a server, as last worked out from the server's
-- own events (for /meetings list and /hearth status).
CREATE TABLE meeting_event_windows (
    guild_id   BIGINT PRIMARY KEY,
    budget     BIGINT NOT NULL,
    others     BIGINT NOT NULL,
    checked_at TIMESTAMPTZ NOT NULL
);

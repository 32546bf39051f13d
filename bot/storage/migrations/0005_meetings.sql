-- Recurring meetings. Times are local wall-clock in `timezone`; occurrences are computed, never
-- stored, except where something was delivered for one (keyed by its UTC start).
CREATE TABLE meetings (
    id                  INTEGER PRIMARY KEY,
    guild_id            INTEGER NOT NULL,
    name                TEXT NOT NULL,
    weekdays            TEXT NOT NULL,  -- Python weekdays, "1,3" = Tuesday and Thursday
    start_time          TEXT NOT NULL,  -- HH:MM local
    timezone            TEXT NOT NULL,
    duration_minutes    INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 1440),
    repeat              TEXT NOT NULL CHECK (repeat IN ('weekly', 'biweekly', 'monthly')),
    nth                 INTEGER,
    anchor_date         TEXT NOT NULL,
    voice_channel_id    INTEGER,
    link                TEXT,
    description         TEXT,
    types               TEXT NOT NULL DEFAULT '',
    announce_channel_id INTEGER,        -- NULL: the server's announcements channel
    ping_role_id        INTEGER,
    reminders           TEXT NOT NULL,  -- offsets before the start, "1d,15m"
    source_slug         TEXT,           -- Meeting Guide slug, for re-imports
    event_id            INTEGER,        -- the Discord scheduled event mirroring the next occurrence
    event_start         TEXT,           -- which occurrence (UTC start) that event shows
    created_by          INTEGER NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX meetings_by_guild ON meetings (guild_id, name);
CREATE UNIQUE INDEX meetings_by_slug ON meetings (guild_id, source_slug) WHERE source_slug IS NOT NULL;

CREATE TABLE meeting_skips (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    local_date TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, local_date)
);

-- Everything sent for an occurrence, claimed before sending so a restart never repeats it:
-- kind is 'reminder:<offset>', 'cancelled', or 'going:<user id>'.
CREATE TABLE meeting_deliveries (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    occurrence TEXT NOT NULL,
    kind       TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'skipped', 'failed')),
    channel_id INTEGER,
    message_id INTEGER,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, occurrence, kind)
);

CREATE TABLE meeting_rsvps (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    occurrence TEXT NOT NULL,
    user_id    INTEGER NOT NULL,
    going      INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (meeting_id, occurrence, user_id)
);

-- One-off or repeating announcements (/announce).
CREATE TABLE announcements (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    message      TEXT NOT NULL CHECK (length(message) <= 2000),
    first_at     TEXT NOT NULL,  -- UTC instant of the first delivery
    local_time   TEXT NOT NULL,  -- HH:MM in `timezone`, kept for repeats across DST
    timezone     TEXT NOT NULL,
    repeat       TEXT NOT NULL CHECK (repeat IN ('none', 'daily', 'weekly')),
    ping_role_id INTEGER,
    active       INTEGER NOT NULL DEFAULT 1,
    created_by   INTEGER NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE TABLE announcement_deliveries (
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    due_at          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'skipped', 'failed')),
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (announcement_id, due_at)
);

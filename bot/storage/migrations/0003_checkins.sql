-- Members' own settings, shared by every server they use Hearth in.
CREATE TABLE member_profile (
    user_id    INTEGER PRIMARY KEY,
    timezone   TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- When the daily check-in prompt goes out (guild-local HH:MM), and whether it opens a thread.
ALTER TABLE guild_config ADD COLUMN checkin_prompt_time TEXT NOT NULL DEFAULT '09:00';
ALTER TABLE guild_config ADD COLUMN checkin_prompt_thread INTEGER NOT NULL DEFAULT 0;

-- One check-in per member per local day (the member's zone at the time of checking in).
CREATE TABLE checkins (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    local_date TEXT NOT NULL,
    mood       INTEGER NOT NULL CHECK (mood BETWEEN 1 AND 5),
    craving    INTEGER CHECK (craving IS NULL OR craving BETWEEN 0 AND 10),
    note       TEXT CHECK (note IS NULL OR length(note) <= 500),
    shared     INTEGER NOT NULL DEFAULT 0,
    revision   INTEGER NOT NULL DEFAULT 0,  -- how many times the day's check-in was updated
    card_channel_id INTEGER,  -- the shared card, edited if the member shares again that day
    card_message_id INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (guild_id, user_id, local_date)
);
CREATE INDEX checkins_by_guild_day ON checkins (guild_id, local_date);

-- A member's daily reminder, at their local HH:MM. Hearth switches it off when DMs are closed
-- and remembers to say so at the member's next check-in.
CREATE TABLE checkin_reminders (
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    local_time      TEXT NOT NULL,
    enabled         INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT,
    notice_pending  INTEGER NOT NULL DEFAULT 0,
    handled_date    TEXT,  -- the member's last local day already dealt with (sent or not needed)
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- At most one reminder per member per local day: the row is claimed before the DM is sent.
CREATE TABLE checkin_reminder_deliveries (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    local_date TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id, local_date)
);

-- The daily prompt per guild and local day: claimed, then posted, or failed with the reason.
CREATE TABLE checkin_prompts (
    guild_id   INTEGER NOT NULL,
    local_date TEXT NOT NULL,
    channel_id INTEGER NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('posting', 'posted', 'failed', 'abandoned')),
    message_id INTEGER,
    thread_id  INTEGER,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, local_date)
);

-- Members: their country for /helpline, and whether Hearth may reply automatically.
ALTER TABLE member_profile ADD COLUMN country TEXT;
ALTER TABLE member_profile ADD COLUMN crisis_replies INTEGER NOT NULL DEFAULT 1;

-- Crisis detection: on by default (it acts once a moderator-queue channel exists).
ALTER TABLE guild_config ADD COLUMN crisis_detection INTEGER NOT NULL DEFAULT 1;
ALTER TABLE guild_config ADD COLUMN crisis_reply_hours INTEGER NOT NULL DEFAULT 6;
CREATE TABLE crisis_quiet_channels (
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);
-- A guild's own phrases: extra ones that flag, and allow-listed ones that never do.
CREATE TABLE crisis_phrases (
    guild_id INTEGER NOT NULL,
    phrase   TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('flag', 'allow')),
    category TEXT,
    severity INTEGER,
    PRIMARY KEY (guild_id, phrase, kind)
);
-- When Hearth last replied to a member on its own, for the rate limit.
CREATE TABLE crisis_replies (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    replied_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- Anything moderators must see: a detection, a member's report, a request for support.
-- The message text is never stored: the card shows an excerpt and links to the message.
CREATE TABLE flags (
    id                 INTEGER PRIMARY KEY,
    guild_id           INTEGER NOT NULL,
    source             TEXT NOT NULL CHECK (source IN ('detection', 'report', 'support')),
    category           TEXT NOT NULL,
    severity           INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 3),
    user_id            INTEGER,          -- the member it is about (none for a general report)
    channel_id         INTEGER,
    message_id         INTEGER,
    reports            INTEGER NOT NULL DEFAULT 0,
    status             TEXT NOT NULL DEFAULT 'open'
                       CHECK (status IN ('open', 'claimed', 'resolved', 'dismissed')),
    claimed_by         INTEGER,
    claimed_at         TEXT,
    closed_by          INTEGER,
    closed_at          TEXT,
    escalation_step    INTEGER NOT NULL DEFAULT 0,
    next_escalation_at TEXT,             -- when the next step falls due, while unclaimed
    card_channel_id    INTEGER,
    card_message_id    INTEGER,
    created_at         TEXT NOT NULL
);
CREATE INDEX flags_by_guild ON flags (guild_id, status, created_at);
-- One open report flag per message: further reports merge into it.
CREATE UNIQUE INDEX flags_one_per_reported_message ON flags (guild_id, message_id)
    WHERE source = 'report' AND message_id IS NOT NULL AND status IN ('open', 'claimed');
CREATE TABLE flag_reporters (
    flag_id INTEGER NOT NULL REFERENCES flags (id),
    user_id INTEGER NOT NULL,
    PRIMARY KEY (flag_id, user_id)
);
-- Everything that happened to a flag, with who and when. Never deleted by Hearth.
CREATE TABLE flag_events (
    id       INTEGER PRIMARY KEY,
    flag_id  INTEGER NOT NULL REFERENCES flags (id),
    action   TEXT NOT NULL,
    actor_id INTEGER,                    -- NULL: Hearth itself
    detail   TEXT,
    at       TEXT NOT NULL
);
CREATE INDEX flag_events_by_flag ON flag_events (flag_id, id);
-- Moderators on call receive escalation DMs.
CREATE TABLE oncall (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    since    TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
-- Minutes an unclaimed flag waits before each escalation step, per severity.
ALTER TABLE guild_config ADD COLUMN escalate_high_minutes INTEGER NOT NULL DEFAULT 5;
ALTER TABLE guild_config ADD COLUMN escalate_medium_minutes INTEGER NOT NULL DEFAULT 30;
ALTER TABLE guild_config ADD COLUMN escalate_low_minutes INTEGER NOT NULL DEFAULT 240;

-- A guild's own local lines, shown after the country's lines.
CREATE TABLE crisis_local_lines (
    guild_id INTEGER NOT NULL,
    name     TEXT NOT NULL,
    contact  TEXT NOT NULL,
    notes    TEXT,
    PRIMARY KEY (guild_id, name)
);

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

-- Anything moderators must see. Detections now; member reports and support requests later.
-- The message text is never stored: the card links to it.
CREATE TABLE flags (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    source          TEXT NOT NULL CHECK (source IN ('detection', 'report', 'support')),
    category        TEXT NOT NULL,
    severity        INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 3),
    user_id         INTEGER NOT NULL,
    channel_id      INTEGER,
    message_id      INTEGER,
    status          TEXT NOT NULL DEFAULT 'open',
    card_channel_id INTEGER,
    card_message_id INTEGER,
    created_at      TEXT NOT NULL
);
CREATE INDEX flags_by_guild ON flags (guild_id, status, created_at);

-- A guild's own local lines, shown after the country's lines.
CREATE TABLE crisis_local_lines (
    guild_id INTEGER NOT NULL,
    name     TEXT NOT NULL,
    contact  TEXT NOT NULL,
    notes    TEXT,
    PRIMARY KEY (guild_id, name)
);

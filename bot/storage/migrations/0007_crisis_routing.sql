-- Which detector rule noticed each message counted on a detection flag: the rule id only, never
-- the text. /crisis stats counts them, and "Not a concern" on the flag counts against them.
CREATE TABLE flag_rules (
    flag_id INTEGER NOT NULL REFERENCES flags (id),
    rule    TEXT NOT NULL,
    count   INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (flag_id, rule)
);

-- Messages that must reach a human once per worse detection: the queue ping ('worse', or
-- 'renewed' when a finished ladder starts again) and the DM to the moderator who had claimed
-- the flag ('claimer'). Written in the detection's own transaction; sent_at once delivered.
CREATE TABLE flag_alerts (
    id         INTEGER PRIMARY KEY,
    flag_id    INTEGER NOT NULL REFERENCES flags (id),
    kind       TEXT NOT NULL CHECK (kind IN ('worse', 'renewed', 'claimer')),
    target_id  INTEGER,
    created_at TEXT NOT NULL,
    sent_at    TEXT
);
CREATE INDEX flag_alerts_pending ON flag_alerts (id) WHERE sent_at IS NULL;

-- Hearth's private message to the member could not be delivered: the card asks a human to
-- reach out.
ALTER TABLE flags ADD COLUMN member_unreachable INTEGER NOT NULL DEFAULT 0;

-- Edited message versions already flagged: a hash of (message id, edit time), never the text,
-- so a repeated edit event or a restart never flags the same version twice. Old rows expire.
CREATE TABLE crisis_seen_versions (
    digest  TEXT PRIMARY KEY,
    seen_at TEXT NOT NULL
);
CREATE INDEX crisis_seen_versions_by_age ON crisis_seen_versions (seen_at);

-- When Hearth last posted its general /helpline pointer in a channel (at most one a day).
CREATE TABLE crisis_channel_pointers (
    channel_id INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    posted_at  TEXT NOT NULL
);

-- Detector rules an admin switched off for their server (from /crisis stats).
CREATE TABLE crisis_disabled_rules (
    guild_id    INTEGER NOT NULL,
    rule        TEXT NOT NULL,
    disabled_by INTEGER NOT NULL,
    disabled_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, rule)
);

-- PostgreSQL twin of ../0010_delivery.sql: the same tables, columns, constraints and indexes in native
-- types: BIGINT for every integer (SQLite's are 64-bit), TIMESTAMPTZ for instants.
-- The delivery journal: one row per thing Hearth posts or DMs, keyed by a name that is the same
-- every time the same delivery is tried (e.g. a meeting's reminder for one occurrence). A row is
-- written before the request leaves and settled when Discord answers, so after a crash a row
-- still 'sending' says "this may have reached Discord": the channel is searched for it before
-- anything is sent again.
CREATE TABLE deliveries (
    key          TEXT PRIMARY KEY,
    guild_id     BIGINT,
    channel_id   BIGINT,          -- the guild channel or DM channel it went (or goes) to
    user_id      BIGINT,          -- the recipient, for a DM
    fingerprint  TEXT NOT NULL,    -- what the message looks like, to recognise it in history
    anchor_id    BIGINT,          -- the newest message known in the channel before sending
    status       TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'unsent', 'failed')),
    message_id   BIGINT,
    attempts     BIGINT NOT NULL DEFAULT 0,
    cause        TEXT,             -- why the last attempt failed, in plain words
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
-- A message found in history is credited to one delivery only.
CREATE UNIQUE INDEX deliveries_by_message ON deliveries (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX deliveries_in_doubt ON deliveries (status) WHERE status = 'sending';
CREATE INDEX deliveries_by_channel ON deliveries (channel_id, message_id);

-- A member's DM channel with Hearth never changes: keeping it makes a DM one request, not two.
CREATE TABLE dm_channels (
    user_id    BIGINT PRIMARY KEY,
    channel_id BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- Deliveries Hearth owes before it changes the state that calls for them (an escalation step):
-- written before the step is taken and removed once every message of it is settled, so a stop
-- between taking the step and sending its messages leaves a debt that the next start pays.
CREATE TABLE owed_deliveries (
    key        TEXT PRIMARY KEY,
    guild_id   BIGINT,
    created_at TIMESTAMPTZ NOT NULL
);

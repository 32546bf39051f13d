-- Peer supporters, accountability partners and anonymous shares.

-- Who the peer supporters are, where their requests go, and the server's boundaries for them.
ALTER TABLE guild_config ADD COLUMN peer_role_id INTEGER;
ALTER TABLE guild_config ADD COLUMN peer_channel_id INTEGER;
ALTER TABLE guild_config ADD COLUMN share_channel_id INTEGER;
-- Minutes a support request waits for a peer supporter before the moderators are asked.
ALTER TABLE guild_config ADD COLUMN peer_wait_minutes INTEGER NOT NULL DEFAULT 10
    CHECK (peer_wait_minutes BETWEEN 1 AND 1440);
-- Open conversations one supporter may hold at a time.
ALTER TABLE guild_config ADD COLUMN peer_max_open INTEGER NOT NULL DEFAULT 2
    CHECK (peer_max_open BETWEEN 1 AND 10);
ALTER TABLE guild_config ADD COLUMN shares_enabled INTEGER NOT NULL DEFAULT 1;

-- A peer supporter's duty switch and optional weekly hours ("0,1,2,3,4 18:00-22:00": ISO
-- weekdays from Monday = 0, local times in the supporter's own time zone).
CREATE TABLE peer_supporters (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    on_duty    INTEGER NOT NULL DEFAULT 0,
    hours      TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- A member's request to talk with a peer supporter. The reason is the member's own words:
-- sealed with a data key, shown only inside the private thread. `wait_until` is the timer that
-- passes a waiting request to the moderators; the scheduler is rebuilt from it at start.
CREATE TABLE peer_requests (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    user_id           INTEGER NOT NULL,
    origin            TEXT NOT NULL CHECK (origin IN ('command', 'checkin')),
    reason            TEXT CHECK (reason IS NULL OR length(reason) <= 4000),
    origin_channel_id INTEGER,
    status            TEXT NOT NULL DEFAULT 'waiting'
                      CHECK (status IN ('waiting', 'taken', 'closed', 'to_moderators')),
    supporter_id      INTEGER,
    card_channel_id   INTEGER,
    card_message_id   INTEGER,
    thread_id         INTEGER,
    wait_until        TEXT,
    flag_id           INTEGER,
    -- The private check-in for the supporter after a conversation closes: 'owed' until sent.
    debrief           TEXT CHECK (debrief IS NULL OR debrief IN ('owed', 'sent', 'undelivered')),
    created_at        TEXT NOT NULL,
    first_taken_at    TEXT,
    taken_at          TEXT,
    closed_at         TEXT
);
CREATE INDEX peer_requests_by_status ON peer_requests (guild_id, status, created_at);
CREATE INDEX peer_requests_by_supporter ON peer_requests (guild_id, supporter_id, status);
CREATE UNIQUE INDEX peer_requests_one_open_per_member ON peer_requests (guild_id, user_id)
    WHERE status IN ('waiting', 'taken');

-- What happened to a request, for /peers stats (times and counts, never words).
CREATE TABLE peer_request_events (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    request_id INTEGER NOT NULL REFERENCES peer_requests (id) ON DELETE CASCADE,
    action     TEXT NOT NULL CHECK (action IN (
                   'requested', 'taken', 'handed_over', 'moderator_involved', 'closed',
                   'to_moderators')),
    actor_id   INTEGER,
    at         TEXT NOT NULL
);
CREATE INDEX peer_request_events_by_guild ON peer_request_events (guild_id, at);

-- An accountability partnership: `user_id` shares with `partner_id` exactly what they chose.
CREATE TABLE partnerships (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    user_id           INTEGER NOT NULL,
    partner_id        INTEGER NOT NULL,
    status            TEXT NOT NULL DEFAULT 'invited'
                      CHECK (status IN ('invited', 'active', 'declined', 'ended')),
    share_streak      INTEGER NOT NULL DEFAULT 0,
    share_counter_id  INTEGER REFERENCES sobriety_counters (id) ON DELETE SET NULL,
    share_struggles   INTEGER NOT NULL DEFAULT 0,
    nudge_after_days  INTEGER CHECK (nudge_after_days IS NULL OR nudge_after_days BETWEEN 1 AND 30),
    created_at        TEXT NOT NULL,
    accepted_at       TEXT,
    ended_at          TEXT,
    ended_by          INTEGER,
    CHECK (user_id <> partner_id)
);
CREATE UNIQUE INDEX partnerships_one_live_pair ON partnerships (guild_id, user_id, partner_id)
    WHERE status IN ('invited', 'active');
CREATE INDEX partnerships_by_partner ON partnerships (guild_id, partner_id, status);

-- What a partner was told, once each: 'struggle:<local date>' or 'silence:<last check-in date>'.
CREATE TABLE partner_notices (
    partnership_id INTEGER NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,
    guild_id       INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'undelivered')),
    at             TEXT NOT NULL,
    PRIMARY KEY (partnership_id, kind)
);

-- Anonymous shares: the author is kept for moderators (a report names them only to
-- moderators) and so the author alone can take their share down. The text is never stored.
CREATE TABLE anonymous_shares (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    message_id INTEGER,
    status     TEXT NOT NULL DEFAULT 'posting'
               CHECK (status IN ('posting', 'posted', 'removed', 'failed')),
    created_at TEXT NOT NULL,
    removed_at TEXT
);
CREATE INDEX anonymous_shares_by_author ON anonymous_shares (guild_id, user_id, created_at);
CREATE UNIQUE INDEX anonymous_shares_by_message ON anonymous_shares (message_id)
    WHERE message_id IS NOT NULL;

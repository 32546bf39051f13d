-- A member's counters in a server ("sobriety", "nicotine"...), each with its periods.
CREATE TABLE sobriety_counters (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    label      TEXT NOT NULL,
    label_key  TEXT NOT NULL,  -- lower-cased label: one counter per name, whatever its case
    announce   TEXT NOT NULL DEFAULT 'dm' CHECK (announce IN ('public', 'dm', 'off')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (guild_id, user_id, label_key)
);

-- Periods of sober time. The open one has no end; a reset ends it (kept, with an optional note)
-- and opens the next. Dates are the member's local calendar dates.
CREATE TABLE sobriety_periods (
    id         INTEGER PRIMARY KEY,
    counter_id INTEGER NOT NULL REFERENCES sobriety_counters (id) ON DELETE CASCADE,
    start_date TEXT NOT NULL,
    end_date   TEXT,
    note       TEXT CHECK (note IS NULL OR length(note) <= 500),
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX sobriety_one_open_period ON sobriety_periods (counter_id) WHERE end_date IS NULL;
CREATE INDEX sobriety_periods_by_counter ON sobriety_periods (counter_id, start_date);

-- Each milestone is celebrated once per period: the row is claimed before anything is sent.
CREATE TABLE milestone_celebrations (
    id             INTEGER PRIMARY KEY,
    period_id      INTEGER NOT NULL REFERENCES sobriety_periods (id) ON DELETE CASCADE,
    milestone_key  TEXT NOT NULL,
    milestone_date TEXT NOT NULL,
    channel        TEXT NOT NULL CHECK (channel IN ('public', 'dm', 'off')),
    status         TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'skipped', 'failed')),
    channel_id     INTEGER,
    message_id     INTEGER,
    updated_at     TEXT NOT NULL,
    UNIQUE (period_id, milestone_key)
);

CREATE TABLE milestone_congratulations (
    celebration_id INTEGER NOT NULL REFERENCES milestone_celebrations (id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (celebration_id, user_id)
);

-- A server's own milestone list (NULL: the default) and roles given at milestones.
ALTER TABLE guild_config ADD COLUMN milestone_plan TEXT;
CREATE TABLE milestone_roles (
    guild_id      INTEGER NOT NULL,
    milestone_key TEXT NOT NULL,
    role_id       INTEGER NOT NULL,
    PRIMARY KEY (guild_id, milestone_key)
);

-- Problems a feature found that admins should see in /hearth status (missing permissions...).
CREATE TABLE guild_alerts (
    guild_id   INTEGER NOT NULL,
    topic      TEXT NOT NULL,
    message    TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (guild_id, topic)
);

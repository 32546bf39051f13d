-- PostgreSQL twin of ../0012_due_index.sql: the same columns and indexes in native types:
-- BIGINT for every integer (SQLite's are 64-bit), TIMESTAMPTZ for instants.
-- Timed work finds what is due through an index instead of walking every row.
-- next_due_at: the UTC instant a row next needs a look (NULL: nothing to do until it changes).
-- due_revision: bumped by every change that asks for a fresh look (a new start date, a zone, a
-- retry), so a run that worked out a time from older state does not overwrite it.
ALTER TABLE sobriety_counters ADD COLUMN next_due_at TIMESTAMPTZ;
ALTER TABLE sobriety_counters ADD COLUMN due_revision BIGINT NOT NULL DEFAULT 0;
CREATE INDEX sobriety_counters_by_next_due ON sobriety_counters (next_due_at);

ALTER TABLE checkin_reminders ADD COLUMN next_due_at TIMESTAMPTZ;
ALTER TABLE checkin_reminders ADD COLUMN due_revision BIGINT NOT NULL DEFAULT 0;
CREATE INDEX checkin_reminders_by_next_due ON checkin_reminders (next_due_at);
-- A member's own zone moves their rows in every server: found by member.
CREATE INDEX sobriety_counters_by_user ON sobriety_counters (user_id);
CREATE INDEX checkin_reminders_by_user ON checkin_reminders (user_id);

ALTER TABLE guild_config ADD COLUMN checkin_prompt_due_at TIMESTAMPTZ;
ALTER TABLE guild_config ADD COLUMN checkin_prompt_revision BIGINT NOT NULL DEFAULT 0;
CREATE INDEX guild_config_by_prompt_due ON guild_config (checkin_prompt_due_at);

-- Rows from before: due at once, so the first run works out each real time (local times in
-- IANA zones can't be computed in SQL), in batches, and stores it.
UPDATE sobriety_counters SET next_due_at = '2000-01-01T00:00:00.000Z' WHERE announce != 'off';
UPDATE checkin_reminders SET next_due_at = '2000-01-01T00:00:00.000Z' WHERE enabled = 1;
UPDATE guild_config SET checkin_prompt_due_at = '2000-01-01T00:00:00.000Z'
    WHERE checkin_channel_id IS NOT NULL;

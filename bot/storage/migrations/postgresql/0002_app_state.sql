-- PostgreSQL twin of ../0002_app_state.sql: the same tables, columns, constraints and indexes in native
-- types: BIGINT for every integer (SQLite's are 64-bit), TIMESTAMPTZ for instants.
-- Small facts the bot keeps about itself, such as the hash of the last application-command sync.
CREATE TABLE app_state (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

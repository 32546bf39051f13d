-- Placeholder kept only so this branch's migrations run 1..n; the branch that owns 0011 replaces it.
CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);

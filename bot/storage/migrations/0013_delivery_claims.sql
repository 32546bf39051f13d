-- Who is sending a delivery right now. Several Hearth processes may share a PostgreSQL database;
-- a process sends a delivery only while it holds the delivery's claim, taken in one conditional
-- statement (bot/storage/deliveries.py), so two processes never both post it.
-- claimed_by: the claimant (a process's database session, bot/storage/*_backend.py `claimant`);
-- NULL when nobody holds it. claim_expires_at: when the claim lapses if its holder is still
-- connected but no longer renews it (a hung process); a dead holder's claim passes at once.
ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;
ALTER TABLE deliveries ADD COLUMN claim_expires_at TEXT;

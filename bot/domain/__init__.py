"""Pure decisions: no Discord, no database, no network."""

"""Image rendering for Hearth (pure functions, no Discord imports)."""

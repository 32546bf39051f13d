"""Discord-facing helpers shared by every cog: replies, the error path, the command tree."""

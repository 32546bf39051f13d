"""Features: every module or package here is loaded at start as a discord.py extension."""

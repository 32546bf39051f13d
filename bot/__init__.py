"""Hearth: a Discord bot for peer-support and recovery communities."""

__version__ = "0.1.0"

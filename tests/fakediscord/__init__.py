"""A fake Discord (REST v10 + gateway) for end-to-end tests of discord.py bots.

See README.md in this folder. Main entry points::

    from tests.fakediscord import FakeDiscord, Interaction
    from tests.fakediscord.harness import patched_discord, running_bot
"""

from tests.fakediscord.guild import FakeGuild
from tests.fakediscord.handles import Interaction, message_text
from tests.fakediscord.models import UploadedFile
from tests.fakediscord.resolved import InteractionRefused
from tests.fakediscord.server import FakeDiscord
from tests.fakediscord.state import RecordedRequest

__all__ = [
    "FakeDiscord",
    "FakeGuild",
    "Interaction",
    "InteractionRefused",
    "RecordedRequest",
    "UploadedFile",
    "message_text",
]

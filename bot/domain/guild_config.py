"""Per-guild settings, declared once with their defaults."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict


class GuildConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    guild_id: int
    checkin_channel_id: int | None = None
    celebrations_channel_id: int | None = None
    announcements_channel_id: int | None = None
    mod_queue_channel_id: int | None = None
    moderator_role_id: int | None = None
    organizer_role_id: int | None = None
    timezone: str = "UTC"
    helpline_country: str | None = None
    checkin_prompt_time: str = "09:00"
    checkin_prompt_thread: bool = False
    milestone_plan: str | None = None  # None: the default plan
    crisis_detection: bool = True
    crisis_reply_hours: int = 6
    escalate_high_minutes: int = 5
    escalate_medium_minutes: int = 30
    escalate_low_minutes: int = 240
    # Peer support (cogs/peers, cogs/shares): who supports, where requests and shares go.
    peer_role_id: int | None = None
    peer_channel_id: int | None = None
    share_channel_id: int | None = None
    peer_wait_minutes: int = 10
    peer_max_open: int = 2
    shares_enabled: bool = True
    # Imported meetings' daily digest: HH:MM in `timezone`, or "off".
    meeting_digest_time: str = "08:00"

    @classmethod
    def settable_fields(cls) -> frozenset[str]:
        return frozenset(cls.model_fields) - {"guild_id"}


@dataclass(frozen=True)
class GuildAlert:
    topic: str
    message: str

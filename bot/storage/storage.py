"""The set of repositories the bot works with, opened from a database URL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.storage.announcements import AnnouncementRepository, SqlAnnouncementRepository
from bot.storage.app_state import AppStateRepository, SqlAppStateRepository
from bot.storage.backends import open_database
from bot.storage.checkin_schedule import (
    CheckinScheduleRepository,
    SqlCheckinScheduleRepository,
)
from bot.storage.checkins import CheckinRepository, SqlCheckinRepository
from bot.storage.crisis import CrisisRepository, SqlCrisisRepository
from bot.storage.database import Database
from bot.storage.deliveries import DeliveryJournal, SqlDeliveryJournal
from bot.storage.due_times import DueTimesRepository, SqlDueTimesRepository
from bot.storage.flags import FlagRepository, SqlFlagRepository
from bot.storage.guild_config import GuildConfigRepository, SqlGuildConfigRepository
from bot.storage.guild_extras import GuildExtrasRepository, SqlGuildExtrasRepository
from bot.storage.guild_privacy import GuildPrivacyRepository, SqlGuildPrivacyRepository
from bot.storage.meeting_digests import MeetingDigestRepository, SqlMeetingDigestRepository
from bot.storage.meeting_imports import MeetingImportRepository, SqlMeetingImportRepository
from bot.storage.meetings import MeetingRepository, SqlMeetingRepository
from bot.storage.partners import PartnerRepository, SqlPartnerRepository
from bot.storage.peers import PeerRepository, SqlPeerRepository
from bot.storage.privacy import PrivacyRepository, SqlPrivacyRepository
from bot.storage.profiles import ProfileRepository, SqlProfileRepository
from bot.storage.sealing import PLAIN, FieldCodec
from bot.storage.shares import ShareRepository, SqlShareRepository
from bot.storage.sobriety import SobrietyRepository, SqlSobrietyRepository


@dataclass
class Storage:
    """Cogs see only these repository interfaces, so another backend can stand in later."""

    database: Database
    guild_configs: GuildConfigRepository
    app_state: AppStateRepository
    profiles: ProfileRepository
    checkins: CheckinRepository
    checkin_schedule: CheckinScheduleRepository
    sobriety: SobrietyRepository
    guild_extras: GuildExtrasRepository
    meetings: MeetingRepository
    meeting_imports: MeetingImportRepository
    meeting_digests: MeetingDigestRepository
    announcements: AnnouncementRepository
    crisis: CrisisRepository
    flags: FlagRepository
    privacy: PrivacyRepository
    guild_privacy: GuildPrivacyRepository
    peers: PeerRepository
    partners: PartnerRepository
    shares: ShareRepository
    deliveries: DeliveryJournal
    due_times: DueTimesRepository

    async def close(self) -> None:
        await self.database.close()


async def open_storage(
    target: Path | str, *, migrate: bool = True, codec: FieldCodec = PLAIN
) -> Storage:
    """With a codec holding a data key, members' notes, counter names and report reasons are
    sealed on write and opened on read, inside the repositories. `target` is a SQLite file's
    path or a postgresql:// URL; the repositories are the same on both."""
    database = await open_database(target)
    try:
        if migrate:
            await database.migrate()
    except BaseException:
        await database.close()
        raise
    return Storage(
        database=database,
        guild_configs=SqlGuildConfigRepository(database),
        app_state=SqlAppStateRepository(database),
        profiles=SqlProfileRepository(database),
        checkins=SqlCheckinRepository(database, codec),
        checkin_schedule=SqlCheckinScheduleRepository(database),
        sobriety=SqlSobrietyRepository(database, codec),
        guild_extras=SqlGuildExtrasRepository(database),
        meetings=SqlMeetingRepository(database),
        meeting_imports=SqlMeetingImportRepository(database),
        meeting_digests=SqlMeetingDigestRepository(database),
        announcements=SqlAnnouncementRepository(database),
        crisis=SqlCrisisRepository(database),
        flags=SqlFlagRepository(database, codec),
        privacy=SqlPrivacyRepository(database, codec),
        guild_privacy=SqlGuildPrivacyRepository(database),
        peers=SqlPeerRepository(database, codec),
        partners=SqlPartnerRepository(database),
        shares=SqlShareRepository(database),
        deliveries=SqlDeliveryJournal(database),
        due_times=SqlDueTimesRepository(database, codec),
    )

"""The set of repositories the bot works with, opened from a database URL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.storage.announcements import AnnouncementRepository, SqliteAnnouncementRepository
from bot.storage.app_state import AppStateRepository, SqliteAppStateRepository
from bot.storage.backends import open_database
from bot.storage.checkin_schedule import (
    CheckinScheduleRepository,
    SqliteCheckinScheduleRepository,
)
from bot.storage.checkins import CheckinRepository, SqliteCheckinRepository
from bot.storage.crisis import CrisisRepository, SqliteCrisisRepository
from bot.storage.database import Database
from bot.storage.deliveries import DeliveryJournal, SqliteDeliveryJournal
from bot.storage.due_times import DueTimesRepository, SqliteDueTimesRepository
from bot.storage.flags import FlagRepository, SqliteFlagRepository
from bot.storage.guild_config import GuildConfigRepository, SqliteGuildConfigRepository
from bot.storage.guild_extras import GuildExtrasRepository, SqliteGuildExtrasRepository
from bot.storage.guild_privacy import GuildPrivacyRepository, SqliteGuildPrivacyRepository
from bot.storage.meeting_digests import MeetingDigestRepository, SqliteMeetingDigestRepository
from bot.storage.meeting_imports import MeetingImportRepository, SqliteMeetingImportRepository
from bot.storage.meetings import MeetingRepository, SqliteMeetingRepository
from bot.storage.partners import PartnerRepository, SqlitePartnerRepository
from bot.storage.peers import PeerRepository, SqlitePeerRepository
from bot.storage.privacy import PrivacyRepository, SqlitePrivacyRepository
from bot.storage.profiles import ProfileRepository, SqliteProfileRepository
from bot.storage.sealing import PLAIN, FieldCodec
from bot.storage.shares import ShareRepository, SqliteShareRepository
from bot.storage.sobriety import SobrietyRepository, SqliteSobrietyRepository


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
        guild_configs=SqliteGuildConfigRepository(database),
        app_state=SqliteAppStateRepository(database),
        profiles=SqliteProfileRepository(database),
        checkins=SqliteCheckinRepository(database, codec),
        checkin_schedule=SqliteCheckinScheduleRepository(database),
        sobriety=SqliteSobrietyRepository(database, codec),
        guild_extras=SqliteGuildExtrasRepository(database),
        meetings=SqliteMeetingRepository(database),
        meeting_imports=SqliteMeetingImportRepository(database),
        meeting_digests=SqliteMeetingDigestRepository(database),
        announcements=SqliteAnnouncementRepository(database),
        crisis=SqliteCrisisRepository(database),
        flags=SqliteFlagRepository(database, codec),
        privacy=SqlitePrivacyRepository(database, codec),
        guild_privacy=SqliteGuildPrivacyRepository(database),
        peers=SqlitePeerRepository(database, codec),
        partners=SqlitePartnerRepository(database),
        shares=SqliteShareRepository(database),
        deliveries=SqliteDeliveryJournal(database),
        due_times=SqliteDueTimesRepository(database, codec),
    )

"""The Hearth bot: owns the services every cog uses and loads the cogs."""

from __future__ import annotations

import asyncio
import logging
import pkgutil
from datetime import timedelta
from typing import Any

import aiohttp
import discord
import yarl
from discord.ext import commands

import cogs
from bot.background import BackgroundTasks
from bot.clock import Clock
from bot.delivery import Deliverer
from bot.direct_messages import DirectMessages
from bot.domain.countries import CountryDirectory
from bot.domain.delivery import CLAIM_RENEW_EVERY
from bot.guild_configs import GuildConfigs
from bot.guild_erasure import ERASED_EVENT, GuildEraser
from bot.health import beat_while, gateway_alive, health_file
from bot.helplines import HelplineDirectory
from bot.identify_pacing import IdentifyPacer
from bot.membership import Membership
from bot.outbound import OutboundLane, rate_for_share
from bot.presence import GuildPresence
from bot.scheduling import Scheduler
from bot.services.crisis_responder import CrisisResponder
from bot.services.crisis_settings import CrisisSettingsCache
from bot.services.flags import FlagService
from bot.services.helpline_lookup import HelplineLookup
from bot.settings import Settings
from bot.storage.database import is_postgres_url
from bot.storage.storage import Storage
from bot.ui.flag_buttons import FlagButton
from bot.ui.pages import PageButton, PagedLists
from bot.ui.support_button import SupportButton
from bot.ui.tree import HearthTree
from bot.zones import ZoneResolver

log = logging.getLogger("hearth.app")


class TokenRefused(Exception):
    """Discord answered 401 to the bot token."""


def apply_discord_endpoints(settings: Settings) -> None:
    """Point discord.py at a REST proxy or a local Discord-compatible server, before login.

    These two class attributes are the only discord.py globals Hearth ever changes.
    """
    if settings.discord_api_base:
        discord.http.Route.BASE = settings.discord_api_base
    if settings.discord_gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def hearth_intents() -> discord.Intents:
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    # Privileged: needed to notice crisis language in messages. Enable it in the developer portal.
    intents.message_content = True
    return intents


def cog_modules() -> list[str]:
    return sorted(
        f"{cogs.__name__}.{module.name}"
        for module in pkgutil.iter_modules(cogs.__path__)
        if not module.name.startswith("_")
    )


class Hearth(commands.AutoShardedBot):
    def __init__(
        self,
        *,
        settings: Settings,
        storage: Storage,
        clock: Clock,
        countries: CountryDirectory,
        helplines: HelplineDirectory,
        force_sync: bool = False,
        owns_timed_work: bool = True,
        **client_options: Any,
    ) -> None:
        # Which shards this process runs (settings HEARTH_SHARD_COUNT / HEARTH_SHARD_IDS); by
        # default all of them, as many as Discord recommends (asked for in connect()).
        self.shard_plan = settings.shard_plan
        # Every REST request waits its turn here, within this process's share of Discord's
        # global limit (bot/outbound.py).
        lane = OutboundLane(rate_for_share(self.shard_plan.share))
        options: dict[str, Any] = {
            "http_trace": lane.trace_config(),
            "command_prefix": commands.when_mentioned,
            "help_command": None,
            "intents": hearth_intents(),
            "tree_cls": HearthTree,
            "member_cache_flags": discord.MemberCacheFlags.none(),
            "chunk_guilds_at_startup": False,
            "max_messages": None,
            # Nothing pings unless a post names it (the ping role, the member celebrated):
            # names, notes and messages organizers or members wrote may hold mentions.
            "allowed_mentions": discord.AllowedMentions.none(),
        }
        if self.shard_plan.shard_count is not None:
            options["shard_count"] = self.shard_plan.shard_count
        if self.shard_plan.shard_ids is not None:
            options["shard_ids"] = list(self.shard_plan.shard_ids)
        options.update(client_options)
        super().__init__(**options)
        self.settings = settings
        self.storage = storage
        self.clock = clock
        self.countries = countries
        self.helplines = helplines
        self.guild_configs = GuildConfigs(storage.guild_configs, clock)
        self.zones = ZoneResolver(storage.profiles, self.guild_configs)
        self.membership = Membership(self, storage.checkin_schedule, clock)
        self.add_listener(self.membership.on_raw_member_remove)
        self.crisis_settings = CrisisSettingsCache(storage.crisis)
        self.guild_eraser = GuildEraser(
            storage.guild_privacy, self.guild_configs, self._forget_erased_guild
        )
        self.scheduler = Scheduler(clock)
        self.background = BackgroundTasks()
        # Flags are raised by reports, check-ins and crisis detection alike.
        self.flag_service = FlagService(self)
        # Messages in the server, and words Hearth passes on for members (shares, support
        # requests), are checked for crisis language by this one responder.
        self.helpline_lookup = HelplineLookup(self, helplines)
        self.crisis_responder = CrisisResponder(self, self.helpline_lookup)
        # Long lists shown a page at a time; each feature registers its lists as it loads.
        self.paged_lists = PagedLists()
        self.lane = lane
        self.presence = GuildPresence(self)
        self.presence.attach()
        self.delivery = Deliverer(self)
        # Every DM Hearth starts on its own (not replies to a member's interaction).
        self.dms = DirectMessages(self)
        self.force_sync = force_sync
        self.identify_pacer = IdentifyPacer()
        self._health_beat: asyncio.Task[None] | None = None
        # False for a process that only syncs commands beside a running bot: it must not recover
        # claims, schedule jobs or start the scheduler against the live database.
        self.owns_timed_work = owns_timed_work
        self.failed_cogs: dict[str, str] = {}
        # Set by the peer-support feature while it is loaded: check-ins offer "Ask for support"
        # only when something answers it (see bot/ui/support_ask.py).
        self.peer_support_running: bool = False
        # For fetching things members point Hearth at (meeting feeds); not for Discord itself.
        self.http_session: aiohttp.ClientSession | None = None

    def _forget_erased_guild(self, guild_id: int) -> None:
        # The server's phrases, quiet channels and rule switches were erased with it.
        self.crisis_settings.forget_guild(guild_id)
        self.dispatch(ERASED_EVENT, guild_id)

    @property
    def hearth_tree(self) -> HearthTree:
        tree = self.tree
        if not isinstance(tree, HearthTree):
            raise TypeError("Hearth needs its own command tree (tree_cls=HearthTree)")
        return tree

    async def setup_hook(self) -> None:
        self.http_session = aiohttp.ClientSession()
        await self.zones.follow_other_processes()
        if self.owns_timed_work:
            self.scheduler.start()
            self.scheduler.run_every(
                "deliveries:forget", timedelta(days=1), self.delivery.forget_old
            )
            self.scheduler.run_every(
                "deliveries:renew-claims", CLAIM_RENEW_EVERY, self.delivery.renew_claims
            )
            # Not a background task: those are finite work that wait_idle() waits for.
            self._health_beat = asyncio.create_task(
                beat_while(self._gateway_alive, health_file(self.settings.database_path)),
                name="health file",
            )
        # Persistent buttons of the core services, answered even after a restart.
        self.add_dynamic_items(FlagButton, SupportButton, PageButton)
        await self._load_cogs()
        await self._sync_commands()

    async def _load_cogs(self) -> None:
        for module in cog_modules():
            try:
                await self.load_extension(module)
            except Exception as exc:
                # One broken feature must not take the others down with it.
                cause = exc.__cause__ or exc
                self.failed_cogs[module] = type(cause).__name__
                log.exception("cog failed to load", extra={"cog": module})
            else:
                log.info("cog loaded", extra={"cog": module})

    async def _sync_commands(self) -> None:
        if self.failed_cogs:
            # Syncing now would delete the broken feature's commands from Discord and record
            # that as current; keep what members had until every feature loads again.
            log.error(
                "command sync skipped: a feature failed to load",
                extra={"cogs": ",".join(sorted(self.failed_cogs))},
            )
            return
        guild = discord.Object(self.settings.dev_guild_id) if self.settings.dev_guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        try:
            await self.hearth_tree.sync_if_changed(
                self.storage.app_state, self.clock.now(), guild=guild, force=self.force_sync
            )
        except discord.HTTPException as exc:
            # Members keep the commands from the last good sync; the next start tries again.
            log.error("command sync failed", extra={"status": exc.status, "code": exc.code})

    async def run_with_token(self, token: str, *, connect: bool = True) -> None:
        """Log in (and with `connect`, stay on the gateway until closed)."""
        try:
            if connect:
                await self.start(token)
            else:
                await self.login(token)
        except discord.LoginFailure:
            raise TokenRefused from None

    def owns_guild(self, guild_id: int) -> bool:
        """Whether this process runs the guild's shard: it gets the guild's events and does its
        timed work. Always true with one process."""
        return self.shard_plan.owns(guild_id)

    async def connect(self, *, reconnect: bool = True) -> None:
        # How many shards may start together, and (unless set) how many shards Discord wants.
        # Connecting to the configured gateway keeps HEARTH_DISCORD_GATEWAY_URL in force.
        recommended, _, limits = await self.http.get_bot_gateway()
        self.identify_pacer = IdentifyPacer(
            int(limits.get("max_concurrency", 1)),
            shared_with=self.settings.database_url
            if is_postgres_url(self.settings.database_url)
            else None,
        )
        if self.shard_count is None:
            self.shard_count = recommended
        log.info(
            "connecting",
            extra={"shards": self.shard_plan.describe(), "shard_count": self.shard_count},
        )
        await super().connect(reconnect=reconnect)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        await self.identify_pacer.wait_turn(shard_id)

    def _gateway_alive(self) -> bool:
        return gateway_alive(self.is_ready(), self.is_closed(), self.latency)

    async def on_ready(self) -> None:
        log.info("ready", extra={"guilds": len(self.guilds)})

    async def close(self) -> None:
        self.scheduler.shutdown()
        if self._health_beat is not None:
            self._health_beat.cancel()
        await self.background.cancel_all()
        await self.identify_pacer.close()
        if self.http_session is not None:
            await self.http_session.close()
        await super().close()

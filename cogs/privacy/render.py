"""What members read about their data rights: plain, exact, and kind."""

from __future__ import annotations

from cogs.privacy.erasure import ErasureReport, GuildErasure

LIMIT = 1990


def delete_question(guild_name: str, everywhere: bool) -> str:
    where = "in every server where you use Hearth" if everywhere else f"in **{guild_name}**"
    profile = (
        "your time zone and country,"
        if everywhere
        else "(your time zone and country are shared by all servers and stay;"
        " choose `everywhere` to erase them too)"
    )
    return (
        f"Erase your Hearth data {where}? That's your check-ins and private notes, your counters "
        "and their history, milestones, reminders, meeting answers and the reasons you gave in "
        f"reports, {profile} and I'll take back milestone roles and take down posts I made "
        "about you. **This can't be undone.** (`/privacy export` first if you'd like a copy.)"
    )


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _roles(erasure: GuildErasure) -> list[str]:
    roles, lines = erasure.roles, []
    if roles.taken:
        lines.append("Took back " + ", ".join(f"<@&{r}>" for r in roles.taken) + ".")
    if roles.refused:
        lines.append(
            "⚠️ I couldn't take back "
            + ", ".join(f"<@&{r}>" for r in roles.refused)
            + ": Discord refused (Hearth needs Manage Roles and its own role above these). "
            "Please ask a moderator to remove it; your data is erased either way."
        )
    if roles.unreachable:
        lines.append(
            "⚠️ I couldn't check your milestone roles there just now (I may not be in that "
            "server any more). A moderator can remove them; your data is erased either way."
        )
    return lines


def _guild_block(erasure: GuildErasure, named: bool) -> list[str]:
    rows = erasure.rows
    name = erasure.guild_name or "a server Hearth has left"
    head = f"**{name}**: " if named else ""
    lines = [
        f"{head}erased {_count(rows.checkins, 'check-in')} (with their notes), "
        f"{_count(rows.counters, 'counter')} with their history and milestones, and "
        f"{_count(rows.other_rows, 'other record')} (reminders, meeting answers, "
        "congratulations you gave, peer support and partners)."
    ]
    if erasure.posts_taken_down:
        lines.append(
            f"Took down {_count(erasure.posts_taken_down, 'post')} I'd made about you "
            "(shared check-ins, public milestones, support cards, anonymous shares)."
        )
    if erasure.posts_left:
        lines.append(
            f"⚠️ {_count(erasure.posts_left, 'post')} I'd made about you couldn't be taken down "
            "(I may have lost access to the channel); a moderator can delete them."
        )
    lines += _roles(erasure)
    kept = []
    if rows.reports_filed:
        kept.append(
            f"{_count(rows.reports_filed, 'report')} you made: the moderators' record keeps "
            "that it came from you (your id), but your words were removed"
        )
    if rows.flags_about_them:
        kept.append(
            f"{_count(rows.flags_about_them, 'moderator flag')} about you: kept as the "
            "moderators' record (your id, when, and what they did; never your messages' text, "
            "though a card in their channel may quote one: ask them if you'd like it removed)"
        )
    if rows.created:
        kept.append(
            f"{_count(rows.created, 'meeting or announcement', 'meetings or announcements')} "
            "you created: they belong to the server and keep your id as their creator"
        )
    if kept:
        lines.append("What stays, and why: " + "; ".join(kept) + ".")
    return lines


def erasure_done(report: ErasureReport) -> str:
    several = len(report.guilds) > 1
    lines = ["Done. 💛"]
    for erasure in report.guilds:
        lines += _guild_block(erasure, named=several)
    if report.profile is None:
        lines.append(
            "Your time zone, country and crisis-message choice are shared by every server, so "
            "they stay; `/privacy delete everywhere:True` erases them too."
        )
    elif report.profile.kept_opt_out:
        lines.append(
            "Your time zone and country are erased. Your choice not to get automatic crisis "
            "messages is kept (just that yes/no beside your id) so Hearth goes on respecting it."
        )
    elif report.profile.erased:
        lines.append("Your time zone and country are erased.")
    lines.append("Messages I sent you privately stay in your DMs; Hearth keeps no copy of them.")
    text = "\n".join(lines)
    return text if len(text) <= LIMIT else text[: LIMIT - 1] + "…"

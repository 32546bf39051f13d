"""Record buttons: each feature's custom ids read back to the same record and action after a
restart, and never to another feature's buttons."""

from __future__ import annotations

import discord

from cogs.partners.buttons import InviteButton, invite_view
from cogs.shares.buttons import ShareButton, share_view


def custom_ids(view: discord.ui.View) -> list[str]:
    return [c["custom_id"] for row in view.to_components() for c in row["components"]]


def labels(view: discord.ui.View) -> list[str]:
    return [c["label"] for row in view.to_components() for c in row["components"]]


async def test_custom_ids_read_back_to_the_same_record_and_action() -> None:
    assert custom_ids(share_view(42)) == ["hearth:share:42:report", "hearth:share:42:remove"]
    assert labels(share_view(42)) == ["Report", "Take down"]
    assert labels(invite_view(7)) == ["Accept", "Not now"]
    for cls, custom_id in (
        (ShareButton, "hearth:share:42:remove"),
        (InviteButton, "hearth:partner:7:decline"),
    ):
        match = cls.__discord_ui_compiled_template__.fullmatch(custom_id)
        assert match is not None
        button = await cls.from_custom_id(None, None, match)  # type: ignore[arg-type]
        assert isinstance(button, cls)
        assert (button.record_id, button.action) == (int(match["id"]), custom_id.split(":")[-1])


def test_a_button_never_claims_another_features_ids() -> None:
    share = ShareButton.__discord_ui_compiled_template__
    invite = InviteButton.__discord_ui_compiled_template__
    assert share.fullmatch("hearth:partner:7:accept") is None
    assert invite.fullmatch("hearth:share:42:report") is None
    assert share.fullmatch("hearth:share:42:accept") is None, "only its own actions"
    assert share.fullmatch("hearth:share:x:report") is None

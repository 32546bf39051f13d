"""The fake CDN: serves attachment bytes at the URLs put in attachment objects."""

from __future__ import annotations

from aiohttp import web

from tests.fakediscord.rest_common import state_of

ATTACHMENT_ROUTE = "/attachments/{channel_id}/{attachment_id}/{filename}"


def setup(app: web.Application) -> None:
    app.router.add_get(ATTACHMENT_ROUTE, serve_attachment)


async def serve_attachment(request: web.Request) -> web.Response:
    # No auth, like Discord's CDN; unknown ids answer a plain 404 as the CDN does.
    raw_id = request.match_info["attachment_id"]
    upload = state_of(request).messages.attachments.get(int(raw_id)) if raw_id.isdigit() else None
    if upload is None or upload.filename != request.match_info["filename"]:
        raise web.HTTPNotFound()
    return web.Response(body=upload.content, headers={"Content-Type": upload.content_type})

"""Discord's JSON error codes Hearth acts on (the `code` of an HTTPException), named once."""

# The member doesn't accept private messages from Hearth (or shares no server with it).
DMS_CLOSED = 50007
# No such member in that server: they left, or never joined.
UNKNOWN_MEMBER = 10007
# The server already has 100 uncompleted scheduled events.
MAX_SCHEDULED_EVENTS = 30038

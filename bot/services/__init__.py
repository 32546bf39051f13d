"""Services more than one feature uses, built once by `Hearth` in app.py and reached as its
typed attributes (never through another cog)."""

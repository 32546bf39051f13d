"""Persistence: the database handle, migrations, and one repository per aggregate."""

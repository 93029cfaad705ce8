"""The embedded demo: SQLite and static files served by Django itself on 127.0.0.1."""

from oversight.settings.base import *  # noqa: F403
from oversight.settings.base import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS]

"""The English UI writes dates and numbers as the Indonesian one does (see `core/formats/id`)."""

from core.formats.id.formats import *  # noqa: F403

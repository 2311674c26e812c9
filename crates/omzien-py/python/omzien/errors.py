"""The exceptions omzien raises. Each carries the message the command line prints for the
same problem: the file and line, the code, the wave or the URL it concerns."""

from __future__ import annotations

__all__ = [
    "OmzienError",
    "LoadError",
    "QueryError",
    "FetchError",
    "RenderError",
    "MicrodataError",
]


class OmzienError(Exception):
    """Base class of every omzien exception."""


class LoadError(OmzienError, ValueError):
    """Figure files that cannot be loaded: unreadable, empty, an unknown column, a bad cell
    (the message names the file and the line or JSON path)."""


class QueryError(OmzienError, ValueError):
    """A question the data cannot answer: an area, wave, age group, indicator or level it does
    not hold, or an argument out of range."""


class FetchError(OmzienError, OSError):
    """A download that failed (the message names the URL and what the service answered)."""


class RenderError(OmzienError, ValueError):
    """A report or picture that cannot be made."""


class MicrodataError(OmzienError, ValueError):
    """Respondent files or a mapping that cannot be used."""

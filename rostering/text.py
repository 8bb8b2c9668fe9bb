"""Text as people and systems send it, made safe to store and show: one rule for every channel
(portal forms, the admin, template, OneRoster and Clever imports, the sync)."""

from __future__ import annotations

import re

# Characters that show nothing but change what a name looks like or how it compares:
# soft hyphen, Arabic letter mark, zero-width space/joiners, left-to-right and right-to-left
# marks, bidirectional embeddings and overrides (U+202A-U+202E, which can make "evil.exe"
# display as "exe.live"), word joiner and invisible operators, bidirectional isolates
# (U+2066-U+2069) and the byte-order mark.
INVISIBLE = re.compile(r"[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def clean_text(value, *, trim: bool = True) -> str:
    """``value`` without invisible and direction-control characters; a no-break space
    becomes a plain space, and the ends are trimmed. ``trim=False`` (passwords) only drops
    the invisible characters. None is ""."""
    if value is None:
        return ""
    text = str(value)
    if not text.isascii():  # fast path: most values are plain ASCII
        text = INVISIBLE.sub("", text)
        if trim:
            text = text.replace("\u00a0", " ")
    return text.strip() if trim else text


def clean_block(text: str) -> str:
    """A whole file's text cleaned as ``clean_text`` cleans one value, but for the trimming:
    each value cut from it then needs only ``.strip()`` to be what ``clean_text`` gives (a
    reader of 200,000 rows cleans once, not per cell)."""
    if text.isascii():
        return text
    return INVISIBLE.sub("", text).replace("\u00a0", " ")

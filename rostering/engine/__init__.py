"""The roster engine's write half: a batch of changes (``changes``), the one writer that
applies it under the district's lock (``apply``), and undo as the inverse of what an apply
did (``undo``). The README's "Rules every channel shares" says who writes through it."""

from .apply import Applied, apply
from .changes import Batch, New, Source

__all__ = ["Applied", "Batch", "New", "Source", "apply"]

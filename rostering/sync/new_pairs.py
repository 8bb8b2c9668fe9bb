"""The planned memberships between records a sync creates, each pair once.

A first sync of a 200,000-student district plans 800,000 such pairs. A set of them (a 128-bit
int or a tuple each) would cost about 70 MB while the plan is built. Instead a bitmap of the
pairs' hashes (4 MB) says at once that nearly every pair is new; the few whose bit was set
already (a repeated enrollment, or another pair sharing the bit) are checked exactly at the
end, and only repeats are dropped.
"""

from __future__ import annotations

BITS = 1 << 25  # about 2% of 800,000 pairs share a bit with an earlier one


class NewPairs:
    """``add`` a (class, person) pair of records to a plan's flat list of additions
    (rostering.sync.plan.Plan); ``drop_repeats`` once all are added."""

    def __init__(self) -> None:
        self._bits = bytearray(BITS >> 3)
        self._maybe: set[tuple[int, int]] = set()  # pairs whose bit was set already

    def add(self, adds: list, cls, person) -> None:
        key = (id(cls), id(person))  # the records live as long as the plan: ids stay theirs
        where = hash(key) & (BITS - 1)
        byte, bit = where >> 3, 1 << (where & 7)
        if self._bits[byte] & bit:
            self._maybe.add(key)
        else:
            self._bits[byte] |= bit
        adds += (cls, person)

    def drop_repeats(self, adds: list) -> None:
        """Remove from ``adds`` each pair seen before it, keeping the first."""
        maybe = self._maybe
        if not maybe:
            return
        seen: set[tuple[int, int]] = set()
        repeats = []
        for index in range(0, len(adds), 2):
            key = (id(adds[index]), id(adds[index + 1]))
            if key in maybe:
                if key in seen:
                    repeats.append(index)
                else:
                    seen.add(key)
        for index in reversed(repeats):
            del adds[index : index + 2]
        self._bits, self._maybe = bytearray(), set()

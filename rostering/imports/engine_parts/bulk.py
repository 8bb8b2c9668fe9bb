"""Bulk writing shared by every kind: history rows in batches, deletes in chunks, and the
adds and removals of one kind of link (a many-to-many table) for many records at once."""

from __future__ import annotations

from rostering.history import Channel

BATCH = 2000
CHUNK = 5000


def bulk_history(model, records: list, *, update: bool, user) -> None:
    """One historical row per record (channel "import"), written in batches."""
    for start in range(0, len(records), BATCH):
        model.history.bulk_history_create(
            records[start : start + BATCH],
            update=update,
            batch_size=BATCH,
            default_user=user,
            custom_historical_attrs={"history_channel": str(Channel.IMPORT)},
        )


def delete_ids(model, pks: list[int]) -> None:
    for start in range(0, len(pks), CHUNK):
        model.objects.filter(pk__in=pks[start : start + CHUNK]).delete()


class Links:
    """Adds and removals of one kind of link (schools, classes, products, ...) for many
    records: ``owner`` is the link's column naming the record (e.g. "student_id"), ``other``
    the column naming what it links to."""

    def __init__(self, model, other: str, extra: dict | None = None, *, owner="student_id"):
        self.model, self.other, self.extra, self.owner = model, other, extra or {}, owner
        self.adds: list = []
        self.removes: list[tuple[int, int]] = []

    def change(self, owner_id: int, old: set[int], new: set[int]) -> None:
        for pk in new - old:
            self.adds.append(self.model(**{self.owner: owner_id, self.other: pk}, **self.extra))
        self.removes.extend((owner_id, pk) for pk in old - new)

    def write(self) -> None:
        if self.removes:
            by_owner: dict[int, set[int]] = {}
            for owner_id, pk in self.removes:
                by_owner.setdefault(owner_id, set()).add(pk)
            owners = list(by_owner)
            doomed = []
            for start in range(0, len(owners), CHUNK):
                rows = self.model.objects.filter(
                    **{f"{self.owner}__in": owners[start : start + CHUNK]}
                )
                for pk, owner_id, other in rows.values_list("pk", self.owner, self.other):
                    if other in by_owner[owner_id]:
                        doomed.append(pk)
            delete_ids(self.model, doomed)
        self.model.objects.bulk_create(self.adds, batch_size=BATCH)


def load_links(model, owner: str, other: str, **filters) -> dict[int, set[int]]:
    """{owner id: {linked ids}} of the link table ``model`` rows matching ``filters``."""
    found: dict[int, set[int]] = {}
    for owner_id, pk in model.objects.filter(**filters).values_list(owner, other):
        found.setdefault(owner_id, set()).add(pk)
    return found


def load_links_of(model, owner: str, other: str, ids: list[int]) -> dict[int, set[int]]:
    """Like ``load_links`` for the records ``ids`` (chunked for long lists)."""
    found: dict[int, set[int]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = load_links(model, owner, other, **{f"{owner}__in": ids[start : start + CHUNK]})
        found.update(chunk)
    return found

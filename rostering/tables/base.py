"""Pieces every Management list shares: the lock column and formula-safe CSV export."""

from __future__ import annotations

import csv
import functools
import html
import inspect
import io
from collections.abc import Iterable, Iterator

import django_tables2 as tables
from django.http import StreamingHttpResponse
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.hashable import make_hashable
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django_tables2.utils import Accessor

from rostering.formulas import neutralise
from rostering.list_exports import complete_or_raise

LOCK_TITLE = "Created by your SIS sync"


def escaped(value) -> str:
    """``value`` as HTML text, the same text conditional_escape gives (safe markup as it is,
    anything else escaped; tests/rostering/test_escaped.py holds them equal), as a plain str
    and without ``escape``'s lazy-argument wrapper: about 1 µs a call instead of 4, and a list
    page writes a call per cell and per drop-down option. Every caller puts the result
    inside markup it marks safe itself, so the str (not SafeString) changes nothing."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


# The lock of a synced record, for screen readers too (its title in words).
LOCK_HTML = (
    f'<i class="bi bi-lock-fill lock-icon me-1" title="{escaped(LOCK_TITLE)}" aria-hidden="true">'
    f'</i><span class="visually-hidden">{escaped(LOCK_TITLE)}: </span>'
)


class LockedNameColumn(tables.Column):
    """A record's name, linked to its page, with a lock to its left when it is synced."""

    def __init__(self, *args, url_name: str | None = None, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)
        self.url_name = url_name

    def render(self, value, record):
        url = record.get_absolute_url() if hasattr(record, "get_absolute_url") else None
        return self.linked_name(value, record, url)

    def linked_name(self, value, record, url: str | None) -> SafeString:
        lock = LOCK_HTML if getattr(record, "origin", "") == "synced" else ""
        if url:
            return mark_safe(f'{lock}<a href="{escaped(url)}">{escaped(value)}</a>')
        return mark_safe(f"{lock}{escaped(value)}")


class SelectColumn(tables.Column):
    """A checkbox per row for a list's bulk actions (posting ``field``), named for screen
    readers; the heading's box chooses every row of the page (static/js/bulk-select.js)."""

    def __init__(self, *, field: str, page_label: str, **kwargs):
        kwargs.setdefault("verbose_name", "")
        kwargs.setdefault("attrs", {"th": {"class": "bulk-select"}, "td": {"class": "bulk-select"}})
        super().__init__(accessor="pk", orderable=False, empty_values=(), **kwargs)
        self.field, self.page_label = field, page_label

    @property
    def header(self):
        return format_html(
            '<input class="form-check-input" type="checkbox" data-select-page aria-label="{}">',
            self.page_label,
        )

    def render(self, value, record):
        name = getattr(record, "full_name", None) or str(record)
        return mark_safe(
            f'<input class="form-check-input" type="checkbox" name="{escaped(self.field)}" '
            f'value="{escaped(value)}" aria-label="Choose {escaped(name)}" data-select-row>'
        )


STAND_IN_PK = 2_147_483_647  # no record's: marks where the pk goes in a reversed URL


class RecordUrls:
    """A record's page URL, reversed once per page rather than once per row (reverse reads the
    script prefix, URLconf and language from request-local storage each time): the model's own
    get_absolute_url for a stand-in pk, with each row's pk put in its place."""

    def __init__(self, model):
        self.before, _, self.after = (
            model(pk=STAND_IN_PK).get_absolute_url().rpartition(str(STAND_IN_PK))
        )

    def __call__(self, pk) -> str:
        return f"{self.before}{pk}{self.after}"


CELL_ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")


@functools.cache
def _arguments(render) -> tuple[str, ...]:
    """The cell arguments a column's render function takes (all of them for ``**kwargs``)."""
    params = list(inspect.signature(render).parameters.values())
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return CELL_ARGUMENTS
    return tuple(p.name for p in params if p.name != "self")


class QuickRowsMixin:
    """A table whose page of rows is written in Python (django_tables2/homeroom_rows.html), not
    cell by cell in the template: django-tables2 works out every cell's ``<td>`` attributes and
    its render method's signature again for each cell, most of a list page's time. Here both
    are worked out once per column, each row's ``<tr>`` once per even/odd (when the table's
    row attributes are not computed per record), a choice field's labels once, and the cells
    are joined as plain strings (each escaped as format_html would: ``escaped``). For tables whose cell
    attributes do not depend on the record (plain dicts, as every Management list's are);
    cells render as the column says."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("template_name", "django_tables2/homeroom_rows.html")
        super().__init__(*args, **kwargs)

    def _cell_plans(self) -> list[tuple]:
        plans = []
        model = getattr(self.data, "model", None)
        for bound in self.columns:
            wanted = _arguments(getattr(bound.render, "__func__", bound.render))
            opening = f"<td {bound.attrs['td'].as_html()}>"
            # As django-tables2 does, a plain field with choices gives its label as the value
            # (Model.get_FOO_display, whose label dict is rebuilt on every call).
            labels = None
            if model is not None and "." not in bound.accessor and "__" not in bound.accessor:
                field = next((f for f in model._meta.fields if f.name == bound.accessor), None)
                if field is not None and field.choices:
                    labels = {
                        make_hashable(value): force_str(label, strings_only=True)
                        for value, label in field.flatchoices
                    }
            plans.append((bound, Accessor(bound.accessor), opening, wanted, labels))
        return plans

    def _row_openings(self):
        """Each row's ``<tr ...>``: computed once per even/odd class unless a row attribute is
        computed from its record."""
        if any(callable(v) for v in (self.row_attrs or {}).values()):
            return lambda row: f"<tr {row.attrs.as_html()}>"
        memo: dict[str, str] = {}

        def opening(row) -> str:
            parity = row.get_even_odd_css_class()
            if parity not in memo:
                memo[parity] = f"<tr {row.attrs.as_html()}>"
            return memo[parity]

        return opening

    def rows_html(self) -> SafeString:
        plans = self._cell_plans()
        row_opening = self._row_openings()
        rows = []
        for row in self.paginated_rows:
            record = row.record
            parts = [row_opening(row)]
            for bound, accessor, opening, wanted, labels in plans:
                empty = bound.column.empty_values
                if "value" not in wanted and not empty:
                    value = None  # never shown and never empty: not worth reading
                else:
                    value = accessor.resolve(record, quiet=True)
                    if labels is not None:
                        value = labels.get(make_hashable(value), value)
                if empty and value in empty:
                    content = bound.default
                else:
                    given = {
                        "value": value,
                        "record": record,
                        "column": bound.column,
                        "bound_column": bound,
                        "bound_row": row,
                        "table": self,
                    }
                    content = bound.render(**{name: given[name] for name in wanted})
                parts += (opening, escaped(content), "</td>")
            parts.append("</tr>")
            rows.append("".join(parts))
        if not rows and self.empty_text:
            return format_html('<tr><td colspan="{}">{}</td></tr>', len(plans), self.empty_text)
        return mark_safe("\n".join(rows))


ROWS_PER_CHUNK = 500  # a streamed response's chunk: fewer, larger writes to the client


def csv_chunks(header: list[str], rows: Iterable[Iterable]) -> Iterator[bytes]:
    """A CSV file (UTF-8 with BOM so Excel reads accents), every cell formula-safe, as bytes
    ROWS_PER_CHUNK rows at a time: streamed by csv_response, stored by an export job."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode("utf-8")

    writer.writerow([neutralise(h) for h in header])
    yield b"\xef\xbb\xbf" + flush()
    for n, row in enumerate(rows, start=1):
        writer.writerow([neutralise(v) for v in row])
        if n % ROWS_PER_CHUNK == 0:
            yield flush()
    yield flush()


def csv_response(
    filename: str, header: list[str], rows: Iterable[Iterable]
) -> StreamingHttpResponse:
    """Stream a CSV download (csv_chunks). A failure part-way is raised, never ended quietly
    (rostering.list_exports)."""
    response = StreamingHttpResponse(
        complete_or_raise(csv_chunks(header, rows), filename),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

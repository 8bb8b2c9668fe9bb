"""Pieces every Management list shares: the lock column and formula-safe CSV export."""

from __future__ import annotations

import csv
import inspect
import io
from collections.abc import Iterable, Iterator

import django_tables2 as tables
from django.http import StreamingHttpResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django_tables2.utils import Accessor

from rostering.formulas import neutralise
from rostering.list_exports import complete_or_raise

LOCK_TITLE = "Created by your SIS sync"


class LockedNameColumn(tables.Column):
    """A record's name, linked to its page, with a lock to its left when it is synced."""

    def __init__(self, *args, url_name: str | None = None, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)
        self.url_name = url_name

    def render(self, value, record):
        lock = ""
        if getattr(record, "origin", "") == "synced":
            lock = format_html(
                '<i class="bi bi-lock-fill lock-icon me-1" title="{}" aria-hidden="true"></i>'
                '<span class="visually-hidden">{}: </span>',
                LOCK_TITLE,
                LOCK_TITLE,
            )
        url = record.get_absolute_url() if hasattr(record, "get_absolute_url") else None
        if url:
            return format_html('{}<a href="{}">{}</a>', lock, url, value)
        return format_html("{}{}", lock, value)


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
        return format_html(
            '<input class="form-check-input" type="checkbox" name="{}" value="{}" '
            'aria-label="Choose {}" data-select-row>',
            self.field,
            value,
            getattr(record, "full_name", None) or str(record),
        )


CELL_ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")


class QuickRowsMixin:
    """A table whose page of rows is written in Python (django_tables2/homeroom_rows.html), not
    cell by cell in the template: django-tables2 works out every cell's ``<td>`` attributes and
    its render method's signature again for each cell, most of a list page's time. Here both
    are worked out once per column. For tables whose cell attributes do not depend on the
    record (plain dicts, as every Management list's are); cells render as the column says."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("template_name", "django_tables2/homeroom_rows.html")
        super().__init__(*args, **kwargs)

    def rows_html(self) -> SafeString:
        plan = []
        for bound in self.columns:
            params = inspect.signature(bound.render).parameters.values()
            takes_all = any(p.kind is p.VAR_KEYWORD for p in params)
            wanted = CELL_ARGUMENTS if takes_all else [p.name for p in params]
            td = bound.attrs["td"].as_html()
            # As django-tables2 does, a plain field with choices gives its label as the value.
            display = None
            model = getattr(self.data, "model", None)
            if model is not None and "." not in bound.accessor and "__" not in bound.accessor:
                field = next((f for f in model._meta.fields if f.name == bound.accessor), None)
                if field is not None and field.choices:
                    display = f"get_{field.name}_display"
            plan.append((bound, Accessor(bound.accessor), td, wanted, display))
        rows = []
        for row in self.paginated_rows:
            record = row.record
            cells = []
            for bound, accessor, td, wanted, display in plan:
                empty = bound.column.empty_values
                if "value" not in wanted and not empty:
                    value = None  # never shown and never empty: not worth reading
                elif display:
                    value = getattr(record, display)()
                else:
                    value = accessor.resolve(record, quiet=True)
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
                cells.append((td, content))
            rows.append(
                format_html(
                    "<tr {}>{}</tr>",
                    row.attrs.as_html(),
                    format_html_join("", "<td {}>{}</td>", cells),
                )
            )
        if not rows and self.empty_text:
            return format_html('<tr><td colspan="{}">{}</td></tr>', len(plan), self.empty_text)
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

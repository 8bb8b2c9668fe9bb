"""What every roster admin shares: the portal's rules, not a second copy of them.

- Locked fields of a synced record are read-only (rostering.ownership), with a note that they
  come from the SIS; a locked field posted by hand is refused.
- Every save runs through rostering.services with the "admin" channel, so history records the
  support user and the channel. The form runs the service once in a rolled-back savepoint while
  validating, so a rule the service refuses shows as a form error, not a server error.
- Inlines (memberships, product links) add and remove through the services too.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from rostering.history import Channel
from rostering.ownership import LOCKED_MESSAGE, SHARED_MESSAGE, FieldState, field_states
from rostering.registry import KINDS
from rostering.registry.forms import check_fields
from rostering.services.bulk_outcome import outcome_sentences

from .history_compare import HistoryCompareMixin
from .widgets import autocomplete_many

LINK_HISTORY_SHOWN = 500  # the newest membership, school, product and setting changes shown
# What a link-history row names (read with it, not one query per row).
LINK_HISTORY_NAMES = (
    "student",
    "educator",
    "class_group",
    "organization",
    "product",
    "setting",
    "actor",
)
ADMIN = Channel.ADMIN
KINDS_BY_MODEL = {kind.model: kind for kind in KINDS.values()}
LOCK_TEXT = "Synced from the SIS"


class _DryRun(Exception):
    """Raised inside a savepoint to roll back a service call made only to validate."""


def dry_run(call) -> None:
    """Run ``call`` and roll back whatever it wrote; its ValidationError propagates."""
    try:
        with transaction.atomic():
            call()
            raise _DryRun
    except _DryRun:
        pass


def add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field when the form has it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        if name in form.fields:
            form.add_error(name, errors)
        else:
            label = name.replace("_", " ").capitalize()
            prefix = "" if name == NON_FIELD_ERRORS else f"{label}: "
            form.add_error(None, [f"{prefix}{message}" for message in errors])


# bootstrap-icons "lock-fill", inline so it needs no font; the label is its text alternative.
LOCK_SVG = (
    '<svg class="hr-lock" role="img" aria-label="{label}" viewBox="0 0 16 16">'
    "<title>{label}: change it in the SIS</title>"
    '<path d="M8 1a2 2 0 0 1 2 2v4H6V3a2 2 0 0 1 2-2m3 6V3a3 3 0 0 0-6 0v4a2 2 0 0 0-2 2v5a2 '
    '2 0 0 0 2 2h6a2 2 0 0 0 2-2V9a2 2 0 0 0-2-2"/></svg>'
)


def lock_svg():
    return format_html(LOCK_SVG, label=LOCK_TEXT)


def lock_icon(record, text: str) -> str:
    """The record's name with a lock (and its text alternative) when it is synced."""
    if getattr(record, "origin", "") != "synced":
        return text
    return format_html("{}{}", lock_svg(), text)


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class ServiceForm:
    """Mixed into the admin's ModelForm by ``ServiceAdmin.get_form``."""

    _admin = None
    _request = None
    _original = None  # the record as saved, before this form's changes
    _locked: frozenset[str] = frozenset()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The registry checks each value first: the same words as every other channel.
        kind = KINDS_BY_MODEL.get(self._meta.model)
        if kind is not None:
            check_fields(self, kind)

    def _save_m2m(self):
        """Nothing: the service set the many-to-many fields (the history view's revert calls
        ``save_m2m`` after ``save_model``)."""

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        posted = sorted(name for name in self._locked if name in self.data)
        if posted:
            for name in posted:
                self.add_error(None, f"{name.replace('_', ' ').capitalize()}: {LOCKED_MESSAGE}")
            return
        # On a copy: the service reloads and changes the record it is given, and the real
        # save must still compare the form with the record as it was.
        original = self._original
        if original is not None:
            original = type(original)._default_manager.get(pk=original.pk)
        try:
            dry_run(lambda: self._admin.save_through_services(self._request, self, original))
        except ValidationError as exc:
            add_errors(self, exc)


class ServiceAdmin(HistoryCompareMixin, SimpleHistoryAdmin):
    """A roster record's admin whose writes go through its service."""

    history_list_display = ["channel"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = autocomplete_many(self, db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @property
    def ownership_fields(self) -> tuple[str, ...]:
        """The fields of this page the sync may own (a sync role in the field registry), shown
        read-only on a synced record when locked."""
        kind = KINDS_BY_MODEL.get(self.model)
        if kind is None:
            return ()
        shown = set(flatten_fieldsets(self.fieldsets) if self.fieldsets else self.fields or ())
        return tuple(f.name for f in kind.fields if f.sync is not None and f.name in shown)

    def channel(self, record) -> str:
        """The history page's column: form, import, sync or admin."""
        return record.history_channel or "—"

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        super().set_history_delta_changes(request, historical_records, **kwargs)
        # The password is not an editable field, so simple-history's diff leaves it out: mark
        # the versions that changed it (the page says "password reset", never the tokens).
        records = list(historical_records)
        for newer, older in zip(records, records[1:], strict=False):
            old, new = (getattr(r, "password_encrypted", None) for r in (older, newer))
            newer.password_was_reset = old != new and new is not None

    def link_changes(self, object_id):
        """This record's membership, school, product and setting history (LinkChange rows), or
        None when its history page has no "Schools, classes and products" section."""
        return None

    def history_view(self, request, object_id, extra_context=None):
        history = self.model.history.filter(pk=object_id).exclude(history_change_reason=None)
        extra_context = {
            **(extra_context or {}),
            "show_change_reason": history.exclude(history_change_reason="").exists(),
        }
        links = self.link_changes(object_id)
        if links is not None:
            extra_context["link_changes"] = list(
                links.select_related(*LINK_HISTORY_NAMES)[:LINK_HISTORY_SHOWN]
            )
        return super().history_view(request, object_id, extra_context=extra_context)

    # -- the service -------------------------------------------------------------------------

    def save_through_services(self, request, form, original):
        """Create (``original`` None) or update the record with the form's data; return it."""
        raise NotImplementedError

    def created_values(self, form) -> dict:
        """The form's values of the record's own fields in the registry
        (``Kind.record_fields``), as a create service takes them: a new field shown on the
        page reaches the service with no edit to the admin."""
        kind = KINDS_BY_MODEL[self.model]
        values = {}
        for name, value in form.cleaned_data.items():
            if name not in kind.record_fields:
                continue
            if self.model._meta.get_field(name).many_to_many:
                value = list(value or [])
            values[name] = value
        return values

    def changed_values(self, form, original) -> dict:
        """The form's fields whose value differs from the record as saved now. Compared with
        the record, not with the form's initial values: the history's "Revert" form starts from
        an old version, so its unchanged fields are exactly the ones to put back."""
        changes = {}
        for name in form.fields:
            if name not in form.cleaned_data:
                continue
            new = form.cleaned_data[name]
            if original._meta.get_field(name).many_to_many:
                if set(new or []) != set(getattr(original, name).all()):
                    changes[name] = new
            elif new != getattr(original, name):
                changes[name] = new
        return changes

    # -- ownership --------------------------------------------------------------------------

    def locked_fields(self, obj) -> frozenset[str]:
        if obj is None or not self.ownership_fields:
            return frozenset()
        states = field_states(obj, self.ownership_fields)
        return frozenset(name for name, state in states.items() if state is FieldState.LOCKED)

    def shared_fields(self, obj) -> frozenset[str]:
        if obj is None or not self.ownership_fields:
            return frozenset()
        states = field_states(obj, self.ownership_fields)
        return frozenset(name for name, state in states.items() if state is FieldState.SHARED)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + sorted(self.locked_fields(obj) - set(readonly))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.locked_fields(obj):
            return fieldsets
        note = format_html(
            "{}This record is synced from the district's SIS. Locked fields are shown as text: "
            "{}{}",
            lock_svg(),
            LOCKED_MESSAGE,
            " Fields noted \u201cYour SIS sends this field\u201d are editable, but the next sync "
            "puts back the SIS value."
            if self.shared_fields(obj)
            else "",
        )
        first_name, first_options = fieldsets[0]
        return [(first_name, {**first_options, "description": note}), *fieldsets[1:]]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        original = type(obj)._default_manager.get(pk=obj.pk) if obj is not None else None
        shared = self.shared_fields(obj)
        attrs = {
            "_admin": self,
            "_request": request,
            "_original": original,
            "_locked": self.locked_fields(obj),
        }
        new_form = type(form.__name__, (ServiceForm, form), attrs)
        for name in shared:
            field = new_form.base_fields.get(name)
            if field is not None:
                field.help_text = f"{field.help_text} {SHARED_MESSAGE}".strip()
        return new_form

    # -- saving -----------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        saved = self.save_through_services(request, form, form._original)
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # The service set the many-to-many fields; the inlines save through theirs.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        inline = getattr(formset, "admin_inline", None)
        if inline is None:  # a read-only inline: nothing to save
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        inline.apply(request, form.instance, formset)

    def delete_model(self, request, obj):  # pragma: no cover - no delete permission is given
        raise ValidationError("Roster records are deactivated, never deleted.")

    def has_delete_permission(self, request, obj=None):
        return False

    def get_inlines(self, request, obj):
        # Memberships and links need the record saved first (the services add them to it).
        return super().get_inlines(request, obj) if obj is not None else []

    # -- actions ----------------------------------------------------------------------------

    def report(self, request, outcome, action: str) -> None:
        """Say what a bulk action (rostering.bulk: one batch for the selection) did and what
        it refused, record by record, with why: in the Students list's words
        (services.bulk_outcome)."""
        said = outcome_sentences(outcome, action, model=self.model)
        if said.done:
            messages.success(request, said.done)
        if said.unchanged:
            messages.info(request, said.unchanged)
        for text in said.refused:
            messages.error(request, text)


class ServiceSaveAdmin(admin.ModelAdmin):
    """An admin for a non-roster record (sync rules, sync source) whose writes go through a
    service; the form runs it in a rolled-back savepoint first, so a refusal shows on it."""

    def save_through_services(self, request, obj, change):
        """Save ``obj`` (the form's values applied) through the service; return the record."""
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class Form(form):
            def _post_clean(self):
                super()._post_clean()
                if self.errors:
                    return
                try:
                    dry_run(
                        lambda: model_admin.save_through_services(request, self.instance, change)
                    )
                except ValidationError as exc:
                    add_errors(self, exc)

        Form.__name__ = form.__name__
        return Form

    def save_model(self, request, obj, form, change):
        obj.pk = self.save_through_services(request, obj, change).pk


class ServiceFormSet(BaseInlineFormSet):
    """Validates an inline's adds and removals by running them through the services (rolled
    back), so a refusal is shown on the form."""

    admin_inline = None
    admin_request = None

    def add_fields(self, form, index):
        # A tabular inline's inputs sit under column headings but have no <label>: name each
        # for screen readers ("Product, row 2"; "Delete row 2").
        super().add_fields(form, index)
        row = "new row" if index is None else f"row {index + 1}"
        for name, field in form.fields.items():
            label = "Delete" if name == "DELETE" else str(field.label or name).capitalize()
            # The admin's RelatedFieldWidgetWrapper renders the widget it wraps (copied per form).
            widget = getattr(field.widget, "widget", field.widget)
            widget.attrs["aria-label"] = f"{label}, {row}"

    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return
        try:
            dry_run(lambda: self.admin_inline.apply(self.admin_request, self.instance, self))
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class ServiceInline(admin.TabularInline):
    """An inline whose rows are added, changed and removed through services.

    Subclasses set ``related`` (the field naming the other record: student, product...) and
    implement ``add`` and ``remove`` (and ``change`` when a row has editable values)."""

    formset = ServiceFormSet
    extra = 0
    related = ""
    readonly_fields = ("origin",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if hasattr(widget, "can_add_related"):  # no pencil/plus/eye: products are the catalogue's
            widget.can_add_related = widget.can_change_related = False
            widget.can_view_related = widget.can_delete_related = False
        return formfield

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"admin_inline": self, "admin_request": request})

    def _parent(self, instance):
        return type(instance)._default_manager.get(pk=instance.pk)

    def apply(self, request, instance, formset) -> None:
        """Apply the formset's removals, changes and additions through the services."""
        parent = self._parent(instance)
        removed, added = [], []
        for form in formset.initial_forms:
            if form in formset.deleted_forms:
                removed.append(form.instance)
            elif form.has_changed() and self.related in form.changed_data:
                old = type(form.instance)._default_manager.get(pk=form.instance.pk)
                removed.append(old)
                added.append(form.instance)
            elif form.has_changed():
                self.change(request, parent, form.instance)
        for form in formset.extra_forms:
            if form.has_changed() and form not in formset.deleted_forms:
                added.append(form.instance)
        for row in removed:
            self.remove(request, parent, row)
        for row in added:
            self.add(request, parent, row)
        # What the admin's change message (and its log) reads.
        formset.new_objects, formset.deleted_objects = added, removed
        formset.changed_objects = []

    def add(self, request, parent, row) -> None:
        raise NotImplementedError

    def remove(self, request, parent, row) -> None:
        raise NotImplementedError

    def change(self, request, parent, row) -> None:
        raise ValidationError("Remove the row and add a new one instead.")


class ReadOnlyInline(admin.TabularInline):
    """Shows related rows (with their origin); changed from the other record's page."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

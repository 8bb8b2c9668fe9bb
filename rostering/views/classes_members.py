"""Class/Group tabs that change links: Products, Students and Educators.

A synced class/group takes its students and educators from the SIS, so those tabs are
read-only there; the services refuse a hand-made POST anyway, and nothing changes.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.generic import TemplateView

from accounts import permissions
from rostering import bulk_undo, services
from rostering.filters.students import narrowed_by_search_index
from rostering.forms.classes import AddEducatorsForm, AddProductForm, AddStudentsForm
from rostering.models import Educator, Origin, Student
from rostering.registry import EDUCATOR, STUDENT
from rostering.selectors import classes as selectors
from rostering.selectors.search import words_found

from .classes import ClassPageMixin
from .undo import success_with_undo_of

CANDIDATE_LIMIT = 50
SYNCED_ROSTER_NOTE = (
    "This class/group comes from your SIS: its {what} are set by the SIS sync and cannot be "
    "changed here. Change them in your SIS; the next sync brings them here."
)


def _message_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _id_from_post(request, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise Http404("No such record.") from None


class ClassProductsView(ClassPageMixin, TemplateView):
    """Products tab: editable on every class/group; each link shows its origin."""

    template_name = "rostering/classes/products.html"
    active_tab = "products"

    def render_tab(self, form=None):
        form = form or AddProductForm(class_group=self.class_group)
        links = selectors.product_links_of(self.class_group)
        return render(
            self.request,
            self.template_name,
            self.page_context(form=form, links=links, synced_origin=Origin.SYNCED),
        )

    def get(self, request, *args, **kwargs):
        return self.render_tab()

    def post(self, request, *args, **kwargs):
        self.require_change()
        form = AddProductForm(request.POST, class_group=self.class_group)
        if not form.is_valid():
            return self.render_tab(form)
        product = form.cleaned_data["product"]
        try:
            services.class_group_add_product(
                actor=request.user, class_group=self.class_group, product=product
            )
        except ValidationError as exc:
            messages.error(request, _message_of(exc))
        else:
            messages.success(request, f"{product} added to “{self.class_group.name}”.")
        return redirect("rostering:class_products", pk=self.class_group.pk)


class ClassProductRemoveView(ClassPageMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.require_change()
        link = (
            selectors.product_links_of(self.class_group)
            .filter(product_id=_id_from_post(request, "product"))
            .first()
        )
        if link is None:
            raise Http404("That product is not linked to this class/group.")
        services.class_group_remove_product(
            actor=request.user, class_group=self.class_group, product=link.product
        )
        text = f"{link.product} removed from “{self.class_group.name}”."
        if link.origin == Origin.SYNCED:
            text += " Your SIS sends this product for this class/group: the next sync adds it back."
        messages.success(request, text)
        return redirect("rostering:class_products", pk=self.class_group.pk)


class _RosterTab(ClassPageMixin, TemplateView):
    """Shared shape of the Students and Educators tabs."""

    what: str  # "students" / "educators"
    form_class: type
    tab_url: str

    def members(self):
        raise NotImplementedError

    def candidates(self, query: str):
        raise NotImplementedError

    def add(self, records) -> int:
        raise NotImplementedError

    def may_edit(self) -> bool:
        return self.can_change and not self.class_group.is_synced

    def render_tab(self, form=None):
        query = self.request.GET.get("q", "").strip()
        editable = self.may_edit()
        context = self.page_context(
            members=self.members(),
            editable=editable,
            query=query,
            synced_note=SYNCED_ROSTER_NOTE.format(what=self.what),
            candidate_limit=CANDIDATE_LIMIT,
        )
        if editable:
            candidates = list(self.candidates(query)[: CANDIDATE_LIMIT + 1])
            context["candidates"] = candidates[:CANDIDATE_LIMIT]
            context["more_candidates"] = len(candidates) > CANDIDATE_LIMIT
            context["form"] = form
        return render(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        return self.render_tab()

    def post(self, request, *args, **kwargs):
        self.require_change()
        form = self.form_class(request.POST, user=request.user, class_group=self.class_group)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return self.render_tab(form)
        try:
            added = self.add(form.cleaned_data[self.what])
        except ValidationError as exc:
            messages.error(request, _message_of(exc))
            return self.render_tab(form)
        noun = self.what if added != 1 else self.what[:-1]
        messages.success(request, f"Added {added} {noun} to “{self.class_group.name}”.")
        return redirect(self.tab_url, pk=self.class_group.pk)


class ClassStudentsView(_RosterTab):
    template_name = "rostering/classes/students.html"
    active_tab = "students"
    what = "students"
    form_class = AddStudentsForm
    tab_url = "rostering:class_students"

    def members(self):
        return selectors.students_of(self.class_group)

    def candidates(self, query: str):
        qs = selectors.students_addable_to(self.request.user, self.class_group)
        qs = narrowed_by_search_index(words_found(qs, STUDENT, query), query.split())
        return qs.order_by("last_name", "first_name", "username")

    def add(self, records) -> int:
        return services.class_group_add_students(
            actor=self.request.user, class_group=self.class_group, students=records
        )


class ClassEducatorsView(_RosterTab):
    template_name = "rostering/classes/educators.html"
    active_tab = "educators"
    what = "educators"
    form_class = AddEducatorsForm
    tab_url = "rostering:class_educators"

    def members(self):
        return selectors.educators_of(self.class_group)

    def may_edit(self) -> bool:
        # Teachers see who teaches the class; administrators add and remove (the service
        # refuses anyone else's POST).
        return super().may_edit() and permissions.may_manage_class_educators(self.request.user)

    def candidates(self, query: str):
        qs = selectors.educators_addable_to(self.request.user, self.class_group)
        return words_found(qs, EDUCATOR, query).order_by("last_name", "first_name")

    def add(self, records) -> int:
        return services.class_group_add_educators(
            actor=self.request.user, class_group=self.class_group, educators=records
        )


class _RemoveMember(ClassPageMixin, TemplateView):
    http_method_names = ["post"]
    model: type
    field: str
    tab_url: str
    undo_action: str  # rostering.bulk_undo: the success message's Undo adds them back

    def remove(self, record) -> int:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        self.require_change()
        pk = _id_from_post(request, self.field)
        record = (
            permissions.visible_queryset(request.user, self.model)
            .filter(pk=pk, class_groups=self.class_group)
            .first()
        )
        if record is None:
            raise Http404("Not a member of this class/group.")
        try:
            self.remove(record)
        except ValidationError as exc:
            messages.error(request, _message_of(exc))
        else:
            token = bulk_undo.undo_token(self.undo_action, [record.pk], self.class_group)
            success_with_undo_of(
                request,
                f"{record} removed from “{self.class_group.name}”.",
                token,
                back=reverse(self.tab_url, args=[self.class_group.pk]),
            )
        return redirect(self.tab_url, pk=self.class_group.pk)


class ClassStudentRemoveView(_RemoveMember):
    model = Student
    field = "student"
    tab_url = "rostering:class_students"
    undo_action = "remove_class"

    def remove(self, record) -> int:
        return services.class_group_remove_students(
            actor=self.request.user, class_group=self.class_group, students=[record]
        )


class ClassEducatorRemoveView(_RemoveMember):
    model = Educator
    field = "educator"
    tab_url = "rostering:class_educators"
    undo_action = "remove_class_educator"

    def remove(self, record) -> int:
        return services.class_group_remove_educators(
            actor=self.request.user, class_group=self.class_group, educators=[record]
        )

"""Classes/Groups: the list, adding one, the Details tab and printable login cards.

Views stay thin: reads go through rostering.selectors.classes (scoped by
accounts.permissions), writes through rostering.services, which enforce locked fields and
synced rosters whatever the browser sends.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts import permissions
from accounts.roles import Role, scope_for
from rostering import login_cards, services
from rostering.export_jobs import views as export_views
from rostering.filters.classes import ClassGroupFilter
from rostering.forms.classes import (
    ClassGroupCreateForm,
    ClassGroupDetailsForm,
    apply_service_errors,
)
from rostering.models import Student
from rostering.selectors import classes as selectors
from rostering.tables.classes import ClassGroupTable

SYNCED_DETAILS_NOTE = (
    "This class/group comes from your SIS: its details must be changed in your SIS."
)


class ClassGroupListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    template_name = "rostering/classes/list.html"
    table_class = ClassGroupTable
    filterset_class = ClassGroupFilter
    paginate_by = 25

    def get_queryset(self):
        return selectors.class_group_list(self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["user"] = self.request.user
        return kwargs

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            return export_views.respond(request, "classes")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query["export"] = "csv"
        context["export_query"] = query.urlencode()
        return context


class ClassGroupCreateView(LoginRequiredMixin, FormView):
    template_name = "rostering/classes/add.html"
    form_class = ClassGroupCreateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        school = data["school"]
        try:
            # The class and its product links are saved whole, or not at all.
            with transaction.atomic():
                class_group = services.class_group_create(
                    actor=self.request.user,
                    district=school.district_root,
                    name=data["name"],
                    school=school,
                    external_id=data["external_id"],
                )
                for product in data["products"]:
                    services.class_group_add_product(
                        actor=self.request.user, class_group=class_group, product=product
                    )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Class/group “{class_group.name}” added. Next, add its students.",
        )
        return redirect("rostering:class_students", pk=class_group.pk)


class ClassPageMixin(LoginRequiredMixin):
    """A tab of one class/group page: 404 outside the user's organizations."""

    active_tab = "details"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.class_group = selectors.class_group_for_page(request.user, kwargs["pk"])
        self.can_change = permissions.can_change(request.user, self.class_group)
        return super().dispatch(request, *args, **kwargs)

    def require_change(self) -> None:
        permissions.require_change(self.request.user, self.class_group)

    def tabs(self) -> list[dict]:
        cg = self.class_group
        counts = {
            "products": cg.product_links.count(),
            "students": cg.students.count(),
            "educators": cg.educators.count(),
        }
        return [
            {
                "label": label,
                "url": reverse(url_name, args=[cg.pk]),
                "active": key == self.active_tab,
                "count": counts.get(key),
            }
            for key, label, url_name in (
                ("details", "Details", "rostering:class_detail"),
                ("products", "Products", "rostering:class_products"),
                ("students", "Students", "rostering:class_students"),
                ("educators", "Educators", "rostering:class_educators"),
            )
        ]

    def page_context(self, **extra) -> dict:
        return {
            "class_group": self.class_group,
            "can_change": self.can_change,
            "tabs": self.tabs(),
            "synced_details_note": SYNCED_DETAILS_NOTE,
            **extra,
        }


class ClassGroupDetailView(ClassPageMixin, TemplateView):
    """Details tab: an edit form; every field of a synced class/group is locked."""

    template_name = "rostering/classes/detail.html"

    def form(self, data=None) -> ClassGroupDetailsForm:
        return ClassGroupDetailsForm(
            data,
            user=self.request.user,
            class_group=self.class_group,
            can_change=self.can_change,
        )

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.page_context(form=self.form()))

    def post(self, request, *args, **kwargs):
        self.require_change()
        form = self.form(request.POST)
        if form.is_valid():
            changes = form.changes()
            if not changes:
                if self.class_group.is_synced:
                    messages.warning(request, f"Nothing was changed. {SYNCED_DETAILS_NOTE}")
                else:
                    messages.info(request, "Nothing to save: no field was changed.")
                return redirect(self.class_group.get_absolute_url())
            try:
                services.class_group_update(
                    actor=request.user, class_group=self.class_group, **changes
                )
            except ValidationError as exc:
                self.class_group.refresh_from_db()
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Saved the details of “{self.class_group.name}”.")
                return redirect(self.class_group.get_absolute_url())
        return render(request, self.template_name, self.page_context(form=form), status=200)


class LoginCardsView(ClassPageMixin, TemplateView):
    """A printable sheet of login cards, one per active student: only for users who may
    change the class/group, since it shows passwords."""

    template_name = "rostering/login_cards/sheet.html"

    def get(self, request, *args, **kwargs):
        self.require_change()
        cards = login_cards.build_cards(selectors.login_card_students(self.class_group))
        return render(
            request,
            self.template_name,
            {
                "heading": f"Login cards: {self.class_group.name}",
                "back_url": self.class_group.get_absolute_url(),
                "back_label": f"Back to {self.class_group.name}",
                "cards": cards,
            },
        )


@login_required
@require_POST
def class_login_cards_chosen(request):
    """The login cards of several classes/groups chosen on the list (each student once): only
    classes/groups the user may change, as for one class's cards, since cards show passwords."""
    if scope_for(request.user).role is Role.NONE:
        raise PermissionDenied("Your account has no role in a district.")
    ids = [i for i in request.POST.getlist("class_group") if i.isdigit()]
    groups = [g for g in permissions.class_groups_for(request.user).filter(pk__in=ids)]
    groups = [g for g in groups if permissions.can_change(request.user, g)]
    if not groups:
        messages.warning(request, "No classes/groups were chosen: tick the boxes beside their names.")
        return redirect("rostering:class_list")
    students = Student.objects.filter(
        pk__in=Student.objects.filter(class_groups__in=groups, is_active=True).values("pk")
    )
    names = ", ".join(sorted(g.name for g in groups))
    return render(
        request,
        "rostering/login_cards/sheet.html",
        {
            "heading": f"Login cards: {names}",
            "back_url": reverse("rostering:class_list"),
            "back_label": "Back to Classes/Groups",
            "cards": login_cards.build_cards(students),
        },
    )

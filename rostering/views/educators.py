"""Educators (administrators only): list, add, Details and Classes/Groups tabs, deactivate.

Teachers are refused every URL here (403) through accounts.permissions features; records
outside the user's organizations are 404; visible but not changeable (a school administrator
looking at district staff) is 403 on every change.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts import permissions
from accounts.permissions import Feature
from rostering import services
from rostering.export_jobs import views as export_views
from rostering.filters.educators import EducatorFilter
from rostering.forms.classes import apply_service_errors
from rostering.forms.educators import AddClassesForm, EducatorCreateForm, EducatorDetailsForm
from rostering.selectors import educators as selectors
from rostering.tables.educators import EducatorTable


class FeatureRequiredMixin(LoginRequiredMixin):
    """Signed in and allowed ``feature`` (403 otherwise), checked before anything is read."""

    feature: Feature = Feature.VIEW_EDUCATORS

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        permissions.require_feature(request.user, self.feature)
        return super().dispatch(request, *args, **kwargs)


class EducatorListView(FeatureRequiredMixin, SingleTableMixin, FilterView):
    template_name = "rostering/educators/list.html"
    table_class = EducatorTable
    filterset_class = EducatorFilter
    paginate_by = 25

    def get_queryset(self):
        return selectors.educator_list(self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            return export_views.respond(request, "educators")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query["export"] = "csv"
        context["export_query"] = query.urlencode()
        context["can_add"] = permissions.has_feature(self.request.user, Feature.MANAGE_EDUCATORS)
        return context


class EducatorCreateView(FeatureRequiredMixin, FormView):
    feature = Feature.MANAGE_EDUCATORS
    template_name = "rostering/educators/add.html"
    form_class = EducatorCreateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        organizations = list(data.pop("organizations"))
        try:
            educator = services.educator_create(
                actor=self.request.user,
                district=organizations[0].district_root,
                organizations=organizations,
                **data,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Educator {educator} added.")
        return redirect(educator.get_absolute_url())


class EducatorPageMixin(FeatureRequiredMixin):
    active_tab = "details"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        permissions.require_feature(request.user, Feature.VIEW_EDUCATORS)
        self.educator = selectors.educator_for_page(request.user, kwargs["pk"])
        self.can_change = permissions.has_feature(
            request.user, Feature.MANAGE_EDUCATORS
        ) and permissions.can_change(request.user, self.educator)
        return super().dispatch(request, *args, **kwargs)

    def require_change(self) -> None:
        permissions.require_feature(self.request.user, Feature.MANAGE_EDUCATORS)
        permissions.require_change(self.request.user, self.educator)

    def page_context(self, **extra) -> dict:
        e = self.educator
        tabs = [
            {
                "label": "Details",
                "url": reverse("rostering:educator_detail", args=[e.pk]),
                "active": self.active_tab == "details",
            },
            {
                "label": "Classes/Groups",
                "url": reverse("rostering:educator_classes", args=[e.pk]),
                "active": self.active_tab == "classes",
                "count": e.class_groups.count(),
            },
        ]
        return {
            "educator": e,
            "can_change": self.can_change,
            "is_self": e.user_id == self.request.user.pk,
            "tabs": tabs,
            **extra,
        }


class EducatorDetailView(EducatorPageMixin, TemplateView):
    template_name = "rostering/educators/detail.html"

    def form(self, data=None) -> EducatorDetailsForm:
        return EducatorDetailsForm(
            data, user=self.request.user, educator=self.educator, can_change=self.can_change
        )

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.page_context(form=self.form()))

    def post(self, request, *args, **kwargs):
        self.require_change()
        form = self.form(request.POST)
        if form.is_valid():
            changes = form.changes()
            password = form.cleaned_data.get("password") or None
            if not changes and not password:
                messages.info(request, "Nothing to save: no field was changed.")
                return redirect(self.educator.get_absolute_url())
            try:
                services.educator_update(
                    actor=request.user, educator=self.educator, password=password, **changes
                )
            except ValidationError as exc:
                self.educator.refresh_from_db()
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Saved {self.educator}.")
                return redirect(self.educator.get_absolute_url())
        return render(request, self.template_name, self.page_context(form=form))


class EducatorSetActiveView(EducatorPageMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.require_change()
        active = request.POST.get("active") == "1"
        if not active and self.educator.user_id == request.user.pk:
            messages.error(request, "You cannot deactivate your own account.")
            return redirect(self.educator.get_absolute_url())
        try:
            services.educator_set_active(actor=request.user, educator=self.educator, active=active)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if active:
                messages.success(request, f"{self.educator} is active again and can sign in.")
            else:
                messages.success(
                    request, f"{self.educator} is deactivated and can no longer sign in."
                )
        return redirect(self.educator.get_absolute_url())


class EducatorClassesView(EducatorPageMixin, TemplateView):
    """Classes/Groups tab: add the educator to manual classes only; synced ones come from
    the SIS and are listed read-only."""

    template_name = "rostering/educators/classes.html"
    active_tab = "classes"

    def render_tab(self, form=None):
        if self.can_change and form is None:
            form = AddClassesForm(user=self.request.user, educator=self.educator)
        memberships = selectors.classes_of_educator(self.request.user, self.educator)
        return render(
            self.request,
            self.template_name,
            self.page_context(form=form if self.can_change else None, memberships=memberships),
        )

    def get(self, request, *args, **kwargs):
        return self.render_tab()

    def post(self, request, *args, **kwargs):
        self.require_change()
        form = AddClassesForm(request.POST, user=request.user, educator=self.educator)
        if not form.is_valid():
            return self.render_tab(form)
        class_groups = list(form.cleaned_data["class_groups"])
        try:
            with transaction.atomic():  # all the chosen classes, or none
                for class_group in class_groups:
                    services.class_group_add_educators(
                        actor=request.user, class_group=class_group, educators=[self.educator]
                    )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.render_tab(form)
        names = ", ".join(cg.name for cg in class_groups)
        messages.success(request, f"{self.educator} added to {names}.")
        return redirect("rostering:educator_classes", pk=self.educator.pk)


class EducatorClassRemoveView(EducatorPageMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.require_change()
        try:
            class_id = int(request.POST.get("class_group", ""))
        except ValueError:
            raise Http404("No such class/group.") from None
        membership = (
            selectors.classes_of_educator(request.user, self.educator)
            .filter(class_group_id=class_id)
            .first()
        )
        if membership is None:
            raise Http404("This educator is not in that class/group.")
        class_group = membership.class_group
        try:
            services.class_group_remove_educators(
                actor=request.user, class_group=class_group, educators=[self.educator]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{self.educator} removed from “{class_group.name}”.")
        return redirect("rostering:educator_classes", pk=self.educator.pk)

"""Management > Students: the list, its CSV export, and adding students (one or several).

Views stay thin: selectors read (scoped through accounts.permissions), services write.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import FormView
from django_tables2 import RequestConfig

from accounts import permissions
from accounts.roles import Role, scope_for
from rostering import services
from rostering.export_jobs import views as export_views
from rostering.filters.cached_choices import choices_key, freeze_choices
from rostering.filters.students import StudentFilter
from rostering.forms.bulk import StudentBulkForm
from rostering.forms.students import (
    MAX_BULK_ROWS,
    MORE_FIELDS,
    StudentBulkCommonForm,
    StudentCreateForm,
    add_service_errors,
    student_row_formset,
)
from rostering.passwords import generate_password
from rostering.selectors import students as selectors
from rostering.tables.counted import CachedCountPaginator, count_key
from rostering.tables.students import StudentTable

PAGE_SIZES = (10, 25, 50, 100)


def require_role(request: HttpRequest) -> None:
    """Signed-in people without a role in any district have no Management pages."""
    if scope_for(request.user).role is Role.NONE:
        raise PermissionDenied("Your account has no role in a district.")


def _page_size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("per_page", 25))
    except ValueError:
        return 25
    return size if size in PAGE_SIZES else 25


@login_required
def student_list(request: HttpRequest) -> HttpResponse:
    require_role(request)
    student_filter = StudentFilter(
        request.GET or None, queryset=selectors.student_list(request.user), request=request
    )
    table = StudentTable.for_page(student_filter.filter_qs())
    bulk_form = StudentBulkForm(user=request.user)
    # The drop-downs change only with the roster: cached until its next write (products are
    # not the district's roster, so they are read each time, in one ordinary query).
    freeze_choices(student_filter.form.fields["school"], choices_key("schools", request.user))
    freeze_choices(bulk_form.fields["class_group"], choices_key("bulk-classes", request.user))
    freeze_choices(bulk_form.fields["product"], None)
    export_params = {k: v for k, v in request.GET.items() if k in student_filter.filters}
    paginate = {
        "per_page": _page_size(request),
        "paginator_class": CachedCountPaginator,
        "count_key": count_key("students", request.user, export_params),
    }
    RequestConfig(request, paginate=paginate).configure(table)
    return render(
        request,
        "rostering/students/list.html",
        {
            "filter": student_filter,
            "table": table,
            "total": table.paginator.count,
            "page_sizes": PAGE_SIZES,
            "per_page": _page_size(request),
            "export_query": urlencode(export_params),
            "is_filtered": any(export_params.values()),
            "bulk_form": bulk_form,
            "page_count": len(table.page.object_list) if table.page else 0,
            "list_query": request.GET.urlencode(),
        },
    )


@login_required
def student_export(request: HttpRequest) -> HttpResponse:
    """The current filtered list as CSV (formula-safe), in the list's order: streamed, or past
    EXPORT_BACKGROUND_ROWS written by a background job (rostering.export_jobs)."""
    require_role(request)
    return export_views.respond(request, "students")


class StudentCreateView(LoginRequiredMixin, FormView):
    """Management > Students > Add. "Save and add another" keeps the school and class."""

    template_name = "rostering/students/add.html"
    form_class = StudentCreateForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_role(request)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        initial = {}
        schools = self.request.GET.getlist("school")
        offered = list(permissions.schools_for(self.request.user).values_list("pk", flat=True)[:2])
        if schools:
            initial["schools"] = schools
        elif len(offered) == 1:  # a teacher of one school need not tick it every time
            initial["schools"] = offered
        if self.request.GET.get("class_group"):
            initial["class_group"] = self.request.GET["class_group"]
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        schools = list(data["schools"])
        group = data.get("class_group")
        password = data["password"] or generate_password()
        try:
            with transaction.atomic():
                student = services.student_create(
                    actor=self.request.user,
                    district=schools[0].district_root,
                    first_name=data["first_name"],
                    middle_name=data["middle_name"],
                    last_name=data["last_name"],
                    username=data["username"],
                    email=data["email"],
                    external_id=data["external_id"],
                    alt_external_id=data["alt_external_id"],
                    grade=data["grade"],
                    schools=schools,
                    password=password,
                    **{name: data[name] for name in MORE_FIELDS},
                )
                if group:
                    services.class_group_add_students(
                        actor=self.request.user, class_group=group, students=[student]
                    )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        where = f" to {group.name}" if group else ""
        messages.success(
            self.request,
            f"Added {student.full_name}{where}. Username: {student.username}, "
            f"password: {password}.",
        )
        if "add_another" in self.request.POST:
            query = [("school", s.pk) for s in schools]
            if group:
                query.append(("class_group", group.pk))
            return redirect(f"{reverse('rostering:student_add')}?{urlencode(query)}")
        return redirect(student.get_absolute_url())


class StudentBulkAddView(LoginRequiredMixin, FormView):
    """Up to 50 students on one page: every row is checked, then all are saved or none."""

    template_name = "rostering/students/bulk_add.html"
    form_class = StudentBulkCommonForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_role(request)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def _row_count(self, asked) -> int:
        try:
            rows = int(asked)
        except (TypeError, ValueError):
            rows = 10
        return max(1, min(rows, MAX_BULK_ROWS))

    def get_formset(self):
        if self.request.method == "POST":
            return student_row_formset()(self.request.POST, prefix="rows")
        return student_row_formset(self._row_count(self.request.GET.get("rows")))(prefix="rows")

    def _resized(self):
        """The page again with another number of rows, refilled with what was typed (the
        typed rows first; never fewer rows than were typed). Nothing is checked yet."""
        typed = self.get_formset().filled_rows()
        rows = max(self._row_count(self.request.POST.get("rows")), len(typed))
        form = self.get_form_class()(
            user=self.request.user,
            initial={name: self.request.POST.get(name) for name in ("school", "class_group")},
        )
        formset = student_row_formset(rows)(initial=typed, prefix="rows")
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("formset", self.get_formset())
        context["max_rows"] = MAX_BULK_ROWS
        context["row_choices"] = [n for n in (10, 25, 50) if n <= MAX_BULK_ROWS]
        return context

    def post(self, request, *args, **kwargs):
        if "rows" in request.POST:
            return self._resized()
        form = self.get_form()
        formset = self.get_formset()
        # Every row is checked, by the form and then by the service, whatever other rows or
        # the school say, so the page shows every problem of every row at once.
        formset.full_clean()
        created = self._save(form, formset) if form.is_valid() else None
        if created is None:
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        group = form.cleaned_data.get("class_group")
        messages.success(
            request,
            f"Added {len(created)} student{'s' if len(created) != 1 else ''}"
            + (f" to {group.name}" if group else "")
            + ". Print their login cards from each student's page.",
        )
        school = form.cleaned_data["school"]
        return redirect(f"{reverse('rostering:student_list')}?school={school.pk}")

    def _save(self, form, formset):
        """Create every filled row in one transaction; on any refusal (a row's form or the
        service's) save nothing, but still ask the service about every other row."""
        school = form.cleaned_data["school"]
        group = form.cleaned_data.get("class_group")
        created, failed = [], not formset.is_valid()
        with transaction.atomic():
            for row in formset.forms:
                if not row.has_changed():
                    continue
                if row.errors:
                    failed = True
                    continue
                data = row.cleaned_data
                try:
                    student = services.student_create(
                        actor=self.request.user,
                        district=school.district_root,
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                        username=data["username"],
                        external_id=data["external_id"],
                        grade=data["grade"],
                        schools=[school],
                        password=data["password"] or generate_password(),
                    )
                    created.append(student)
                except ValidationError as exc:
                    add_service_errors(row, exc)
                    failed = True
            if not failed and group:
                try:
                    services.class_group_add_students(
                        actor=self.request.user, class_group=group, students=created
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                    failed = True
            if failed:
                transaction.set_rollback(True)
                return None
        return created

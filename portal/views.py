from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.roles import scope_for
from rostering import selectors


@login_required
def home(request):
    scope = scope_for(request.user)
    context = {"scope": scope, "district": selectors.district_of(request.user)}
    if scope.is_support:
        context["districts"] = selectors.districts_overview()
    if context["district"] is not None or scope.is_support:
        context["counts"] = selectors.roster_counts(request.user)
    return render(request, "portal/home.html", context)

"""Placeholder pages, replaced area by area."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


def placeholder(title):
    @login_required
    def view(request):
        return render(request, "portal/coming_soon.html", {"title": title})

    return view

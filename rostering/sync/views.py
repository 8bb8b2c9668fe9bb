from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def sync_home(request):
    return render(request, "portal/coming_soon.html", {"title": "SIS sync"})

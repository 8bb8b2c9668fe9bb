"""GET /healthz: the health report as JSON for load balancers and uptime monitors."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from rostering.health import health_report


@never_cache
@require_GET
def healthz(request):
    """200 when every check passes, 503 otherwise; no sign-in, nothing sensitive."""
    report = health_report()
    return JsonResponse(report, status=200 if report["healthy"] else 503)

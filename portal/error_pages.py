"""Homeroom's own 404 and 500 pages with DEBUG on too (``make run``), as people see them in
production. Django shows its technical pages instead when DEBUG is on; a developer who wants
those sets TECHNICAL_ERROR_PAGES=1 (and this middleware is then not installed)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import Resolver404
from django.utils.log import log_response
from django.views import defaults


class ProductErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # An address that matches no URL never reaches a view (so not process_exception):
        # Django answered with its technical 404; answer with ours.
        if response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return defaults.page_not_found(request, Resolver404({"path": request.path_info}))
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return None  # Django already uses the 403 handler with DEBUG on
        response = defaults.server_error(request)
        log_response(
            "Internal Server Error: %s",
            request.path,
            response=response,
            request=request,
            exception=exception,
        )
        return response

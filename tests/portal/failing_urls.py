"""A URLconf with a view that fails, for the request-error log test."""

from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def broken(request):
    raise ValueError("the report could not be built")


urlpatterns = [path("broken/", broken), *portal_urlpatterns]

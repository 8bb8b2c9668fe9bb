"""Issue 12: a request that fails leaves one key=value line on stdout."""

from __future__ import annotations

import logging

from django.conf import settings
from django.test import Client, override_settings

from portal.log_format import RequestErrorFormatter


@override_settings(ROOT_URLCONF="tests.portal.failing_urls")
def test_a_server_error_is_logged_as_one_key_value_line(db, caplog):
    caplog.set_level(logging.ERROR, logger="django.request")
    response = Client(raise_request_exception=False).get("/broken/?token=secret")
    assert response.status_code == 500
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    line = RequestErrorFormatter().format(record)
    assert "\n" not in line
    assert line.startswith("time=")
    assert (
        ' event=request_error status=500 method=GET path=/broken/ user="" error=ValueError '
        'message="the report could not be built"'
    ) in line
    assert "secret" not in line  # the query string is not logged


def test_request_errors_and_job_lines_go_to_stdout():
    handlers = settings.LOGGING["handlers"]
    assert handlers["request_errors_stdout"]["stream"] == "ext://sys.stdout"
    assert handlers["jobs_stdout"]["stream"] == "ext://sys.stdout"
    assert "request_errors_stdout" in settings.LOGGING["loggers"]["django.request"]["handlers"]

"""Assisted submissions as the district sees them: send files with a note, follow the status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.permissions import Feature, require_feature

from . import submissions
from .forms import SUBMISSION_KINDS, SubmissionForm


@login_required
def submission_new(request: HttpRequest) -> HttpResponse:
    require_feature(request.user, Feature.SUBMIT_ASSISTED)
    form = SubmissionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            submission = submissions.submission_create(
                actor=request.user,
                note=form.cleaned_data["note"],
                files=[
                    (kind, upload.name, upload.read())
                    for kind, upload in form.cleaned_data["files"]
                ],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                "Your files are sent. Support staff will check and import them, "
                "and this page shows where they are.",
            )
            return redirect("imports:submission", pk=submission.pk)
    file_fields = [form[f"files_{kind.value}"] for kind in SUBMISSION_KINDS]
    return render(
        request, "imports/submission_form.html", {"form": form, "file_fields": file_fields}
    )


@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        submission = submissions.submissions_for(request.user).get(pk=pk)
    except (ValueError, TypeError, submissions.AssistedSubmission.DoesNotExist):
        raise Http404("No such submission in your district.") from None
    return render(request, "imports/submission_detail.html", {"submission": submission})

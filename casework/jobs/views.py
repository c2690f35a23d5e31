"""Job status for pages that started a job (batch letters): JSON the page polls."""

from __future__ import annotations

from django.http import Http404, JsonResponse

from casework.core.views import PolicyView

from .models import Job


class JobStatusView(PolicyView):
    # The people who start jobs today work cases; Job.objects.restrict_for narrows to the creator
    # (and the director), so a colleague's job answers 404.
    action = "case.work"

    def get(self, request, pk: int):
        job = Job.objects.for_user(request.user, self.action).filter(pk=pk).first()
        if job is None:
            raise Http404
        return JsonResponse({
            "id": job.pk,
            "kind": job.kind,
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": {"done": job.progress_done, "total": job.progress_total, "percent": job.percent},
            "message": job.message,
            "error": job.error if job.status == "failed" else "",
            "finished": job.status in ("done", "failed"),
            "created_at": job.created_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        }, headers={"Cache-Control": "no-store"})

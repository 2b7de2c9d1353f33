"""The notification inbox."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from schakel.messaging.models import Notification


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first. No patient names: those sit behind the link."""
    notifications = Notification.objects.filter(recipient_id=request.user.pk).select_related(
        "pathway__tumour_type"
    )
    page = Paginator(notifications, 50).get_page(request.GET.get("pagina"))
    return render(request, "messaging/inbox.html", {"page": page})


@require_POST
@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark as read and go to the pathway, where the access helper decides and logs."""
    notification = get_object_or_404(Notification, pk=pk, recipient_id=request.user.pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=pk).update(read_at=timezone.now())
    if notification.pathway_id is not None:
        return redirect("pathways:detail", notification.pathway_id)
    return redirect("messaging:inbox")


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(recipient_id=request.user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("messaging:inbox")

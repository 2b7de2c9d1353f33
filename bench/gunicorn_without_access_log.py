"""gunicorn configuration for ``bench/access_log.py``: the same server with the access log's
writes switched off in each worker, to measure what logging costs. Never use it elsewhere."""

from typing import Any


def post_worker_init(worker: Any) -> None:
    import schakel.audit.actions
    from schakel.audit.models import AccessLogEntry, AppendOnlyQuerySet

    def no_save(self: Any, *args: Any, **kwargs: Any) -> None:
        return None

    def no_bulk_create(self: Any, objs: Any, *args: Any, **kwargs: Any) -> Any:
        return objs

    setattr(AccessLogEntry, "save", no_save)  # noqa: B010 - a patch, on purpose
    setattr(AppendOnlyQuerySet, "bulk_create", no_bulk_create)  # noqa: B010
    setattr(schakel.audit.actions, "mark_appended", lambda: None)  # noqa: B010 - nothing to chain

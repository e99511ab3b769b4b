"""Background tasks (django-tasks). Run by `stackup db_worker`; see emailing.py.

A task's arguments are stored in the task queue's table, so they carry only
ids: never an address, a link or a token.
"""

from __future__ import annotations

from django_tasks import task


@task()
def send_email_batch(batch_id: int, run: int) -> dict:
    """Send one batch of invitation or reminder emails."""
    from stackup.partnerships import emailing

    return emailing.batch_run(batch_id=batch_id, run=run)

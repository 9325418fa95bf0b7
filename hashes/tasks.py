"""Background work of the hashes app (the task queue's database backend)."""

from django_tasks import task


@task()
def run_import(*, job_id: str) -> str:
    """Import an uploaded hash list file, writing its progress for the page."""
    from hashes import actions

    return actions.run_import(job_id)

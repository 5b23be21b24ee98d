"""Background work for matching (Django Tasks; `make run` starts a db_worker, tests run it at once)."""

from django.tasks import task


@task()
def run_match_round(*, round_id: int) -> str:
    """Run a queued round; its progress is saved on the round for the page's progress bar."""
    from peerpath.matching.services.rounds import run_round

    return run_round(round_id).status

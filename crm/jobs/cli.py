import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from crm import scheduler as scheduler_module
from crm.jobs import services


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the periodic jobs (one process among all that may be started runs them)."""
    stop = threading.Event()

    def shut_down(*_):
        # Ignore further signals (Ctrl-C in a terminal sends one to each process in the group),
        # then unwind: run_scheduler's `finally` stops the jobs and releases the lease.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        raise SystemExit(0)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, shut_down)
    app = current_app._get_current_object()
    click.echo(f"Scheduler starting ({len(scheduler_module.JOBS)} jobs, "
               f"zone {app.config['CRM_TIMEZONE']}).")
    try:
        scheduler_module.run_scheduler(app, stop=stop, echo=click.echo)
    finally:
        click.echo("Scheduler stopped.")


@click.command("run-job")
@click.argument("job_id")
@with_appcontext
def run_job_command(job_id):
    """Run one periodic job now, by its id (see `crm jobs`)."""
    spec = next((j for j in scheduler_module.JOBS if j.id == job_id), None)
    if spec is None:
        raise click.ClickException(f"No job {job_id!r}; see `crm jobs`.")
    run = services.run_job(spec.id, spec.func, holder="cli")
    click.echo(run.message or ("ok" if run.ok else "failed"))
    if not run.ok:
        raise SystemExit(1)


@click.command("jobs")
@with_appcontext
def jobs_command():
    """List the periodic jobs and their last run."""
    last = services.last_runs()
    for spec in scheduler_module.JOBS:
        run = last.get(spec.id)
        state = "never run" if run is None else (
            f"{'ok' if run.ok else 'FAILED'} at {run.started_at:%Y-%m-%d %H:%M} UTC")
        click.echo(f"{spec.id:24} {spec.trigger} {spec.schedule}  {state}")


commands = [scheduler_command, run_job_command, jobs_command]

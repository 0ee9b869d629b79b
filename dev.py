#!/usr/bin/env python3
"""The two developer commands.

    python3 dev.py start [--port N]    migrate, load the demo data, run the site
                                       (and a job worker, when REDIS_URL is set)
    python3 dev.py test [PYTEST ARGS]  run the test suite in parallel, e.g. `-k terms`; `-n 0` for one process
    python3 dev.py lint                ruff (lint and format check), then the import layers

Only the standard library is used here, so this works on a fresh machine with
Python 3.11 or newer. It creates `.venv/` when missing, installs the project
with its [dev] extra whenever pyproject.toml has changed since the last install
(a hash kept in `.venv/.pyproject-hash`), then runs the command with `.venv`'s
Python. Where Node.js is installed it also installs the browser tests' tools of
package.json (axe-core, which checks pages for accessibility problems) into
node_modules/, again whenever package.json or package-lock.json has changed.
With CI=true, a machine without npm fails here rather than skipping those checks.
"""

import argparse
import hashlib
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

MINIMUM_PYTHON = (3, 11)
ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
INSTALLED_HASH = VENV / ".pyproject-hash"
NODE_MODULES = ROOT / "node_modules"
NODE_INSTALLED_HASH = NODE_MODULES / ".package-hash"
TEST_WORKERS_MAX = 8

# The users `manage.py load_demo_data` creates, and the role each one holds.
DEMO_PASSWORD = "commissioning-demo"
DEMO_USERS = [
    ("officer", "Commissioning officer"),
    ("clerk", "Committee clerk"),
    ("manager", "Manager"),
]


def fail(message):
    sys.exit("dev.py: " + message)


def run(*command):
    """Run a command from the project folder and stop if it fails."""
    code = subprocess.call([str(part) for part in command], cwd=ROOT)
    if code != 0:
        fail("`{}` failed with exit code {}.".format(" ".join(map(str, command[1:])), code))


def hand_over(*command):
    """Replace this process with `command`, so its exit code is ours."""
    command = [str(part) for part in command]
    os.chdir(ROOT)
    if os.name == "nt":  # Windows has no real exec.
        sys.exit(subprocess.call(command))
    os.execv(command[0], command)


def ensure_environment():
    if not VENV_PYTHON.exists():
        print("Creating the virtual environment in .venv/ ...", flush=True)
        if subprocess.call([sys.executable, "-m", "venv", str(VENV)]) != 0:
            fail("could not create .venv/. On Debian or Ubuntu, install python3-venv first.")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    installed = INSTALLED_HASH.read_text().strip() if INSTALLED_HASH.exists() else ""
    if installed != wanted:
        print("Installing the project and its dev tools into .venv/ ...", flush=True)
        run(VENV_PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-e", ".[dev]")
        INSTALLED_HASH.write_text(wanted + "\n")
    ensure_node_tools()


def ensure_node_tools():
    """Install package.json's tools with `npm ci` when the lock file has changed."""
    wanted = hashlib.sha256(
        (ROOT / "package.json").read_bytes() + (ROOT / "package-lock.json").read_bytes()
    ).hexdigest()
    installed = NODE_INSTALLED_HASH.read_text().strip() if NODE_INSTALLED_HASH.exists() else ""
    if installed == wanted:
        return
    npm = shutil.which("npm")
    if npm is None:
        message = (
            "npm is not installed, so the browser tests cannot check pages for accessibility problems. "
            "Install Node.js (on Debian or Ubuntu: apt-get install -y npm)."
        )
        if os.environ.get("CI") == "true":
            fail(message)
        print("dev.py: " + message, flush=True)
        return
    print("Installing the browser tests' tools into node_modules/ ...", flush=True)
    run(npm, "ci", "--no-audit", "--no-fund")
    NODE_INSTALLED_HASH.write_text(wanted + "\n")


def in_environment():
    return Path(sys.prefix).resolve() == VENV.resolve()


def job_broker():
    """The job queue's address when one is configured, else None: without one
    the site runs every background job at once, in the process that asks."""
    url = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    if not url:
        return None
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=2).close()
    except OSError:
        fail(f"the job queue at {url} does not answer: start Redis, or unset REDIS_URL to run the jobs in the site.")
    return url


def start(argv):
    parser = argparse.ArgumentParser(prog="dev.py start", description="Run the site locally.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    args = parser.parse_args(argv)
    os.environ.setdefault("DEBUG", "true")
    broker = job_broker()
    run(sys.executable, "manage.py", "migrate", "--noinput")
    run(sys.executable, "manage.py", "load_demo_data")
    url = f"http://127.0.0.1:{args.port}/"
    print()
    print("  Commissioning is running at " + url)
    print(f"  Sign in with any of these (password: {DEMO_PASSWORD}):")
    for username, role in DEMO_USERS:
        print(f"    {username:<9} {role}")
    if broker:
        print(f"  Background jobs: a worker with the daily schedule, on {broker}.")
    else:
        print("  Background jobs run in the site itself (set REDIS_URL to use a queue and a worker).")
    print("  Stop it with Ctrl+C.")
    print(flush=True)
    server = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{args.port}"]
    if not broker:
        hand_over(*server)
    # A worker that also runs the scheduler (-B): fine for one developer, never for production.
    celery = Path(sys.executable).with_name("celery.exe" if os.name == "nt" else "celery")
    worker = subprocess.Popen([str(celery), "-A", "commissioning", "worker", "-B", "--loglevel", "INFO"], cwd=ROOT)
    try:
        code = subprocess.call(server, cwd=ROOT)
    except KeyboardInterrupt:
        code = 0
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    sys.exit(code)


def test_workers() -> int:
    """How many pytest-xdist workers `dev.py test` starts: one per CPU this process
    may use, at most TEST_WORKERS_MAX. Each worker has its own test database and
    its own Chromium, so more workers than CPUs only adds set-up."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cpus, TEST_WORKERS_MAX))


def test(argv):
    # `worksteal` hands an idle worker tests queued for a busy one, so a few long
    # browser tests do not leave one worker running alone at the end. A `-n` of the
    # caller's comes later on the line and wins: `-n 0` runs in this one process.
    parallel = ["-n", str(test_workers()), "--dist", "worksteal"]
    hand_over(sys.executable, "-m", "pytest", *parallel, *argv)


def lint(argv):
    run(sys.executable, "-m", "ruff", "check", ".")
    run(sys.executable, "-m", "ruff", "format", "--check", ".")
    # The import layers of pyproject.toml's [tool.importlinter].
    hand_over(Path(sys.executable).with_name("lint-imports.exe" if os.name == "nt" else "lint-imports"))


COMMANDS = {"start": start, "test": test, "lint": lint}


def main():
    if sys.version_info < MINIMUM_PYTHON:
        fail(
            "Python {}.{} or newer is needed, but this is Python {}. Run dev.py with a newer python3.".format(
                *MINIMUM_PYTHON, sys.version.split()[0]
            )
        )
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    ensure_environment()
    if not in_environment():
        hand_over(VENV_PYTHON, ROOT / "dev.py", *sys.argv[1:])
    COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()

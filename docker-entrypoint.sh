#!/bin/sh
# With no arguments: apply migrations, then serve the site with gunicorn.
# With arguments: run them instead (the worker, the scheduler, or `manage.py` commands).
set -e

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

python manage.py migrate --noinput
# WEB_CONCURRENCY workers: 3 suits a small server; about 2 per core is usual.
exec gunicorn commissioning.wsgi \
    --bind 0.0.0.0:8000 \
    --workers "${WEB_CONCURRENCY:-3}" \
    --timeout 60 \
    --access-logfile -

# The production image: gunicorn serving the site, whitenoise its static files.
# docker-compose.yml runs it as `web`, as the `worker` that runs the background
# jobs (`celery -A commissioning worker`) and as the `scheduler` that queues the
# daily ones (`celery -A commissioning beat`).

# The pickers' widget (Tom Select), installed by npm from package-lock.json;
# only its dist/ files are copied into the image.
FROM node:22-slim AS widgets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Import the code from /app, where BASE_DIR (templates/, static/,
    # staticfiles/) is, rather than the copy pip puts in site-packages.
    PYTHONPATH=/app

WORKDIR /app
COPY . .
COPY --from=widgets /build/node_modules/tom-select/dist /app/node_modules/tom-select/dist
# The project's own dependencies only: no [dev] extra in production.
RUN pip install . && rm -rf build *.egg-info

# whitenoise serves the collected, compressed and hashed files. The key only
# lets settings load during the build; it is never used to sign anything.
RUN SECRET_KEY=collectstatic-only DEBUG=false python manage.py collectstatic --noinput

RUN useradd --system --no-create-home --home-dir /app commissioning \
    && mkdir -p /app/media /app/beat \
    && chown commissioning /app/media /app/beat \
    && chmod 755 /app/docker-entrypoint.sh
USER commissioning

EXPOSE 8000
ENTRYPOINT ["/app/docker-entrypoint.sh"]

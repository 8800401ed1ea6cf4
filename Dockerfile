# One image for every attune process: web (gunicorn), worker and beat (Celery).
# docker-compose.yml picks the process with `command:`; the default is the web server.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=false \
    ATTUNE_VAR_DIR=/app/var

# An unprivileged account owns the code and the writable var/ folder.
RUN groupadd --system --gid 10001 attune \
    && useradd --system --uid 10001 --gid attune --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin attune \
    && mkdir -p /app/var \
    && chown -R attune:attune /app

WORKDIR /app

# Dependencies first, so editing the code does not reinstall them.
# Every package in the lock file is pinned with its hashes; pip refuses anything else.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

COPY --chown=attune:attune . /app

USER attune

# The keys below exist only for this build step (settings refuse development keys
# when DEBUG is off); none is part of the image's environment. The VAPID pair is made
# fresh for the step and thrown away with it.
RUN export SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime \
    FIELD_ENCRYPTION_KEYS=YnVpbGQtb25seS1rZXktbm90LXVzZWQtYXQtcnVudGk \
    VAPID_SUBJECT=mailto:build@localhost \
    && eval "$(python -m push.vapid)" && export VAPID_PRIVATE_KEY VAPID_PUBLIC_KEY \
    && python manage.py collectstatic --noinput

EXPOSE 8000

# No HEALTHCHECK here: worker and beat run from this image too and serve no HTTP.
# docker-compose.yml gives each service a health check of its own.

CMD ["gunicorn", "attune.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]

# syntax=docker/dockerfile:1
# Build stage: resolve and install dependencies into a self-contained virtual environment.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
RUN /opt/venv/bin/pip install .

# Runtime stage: the virtual environment and the source, run by an unprivileged user.
FROM python:3.11-slim
ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    HEARTH_DATABASE_URL=sqlite:////data/hearth.db
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin hearth \
    && mkdir -p /data && chown hearth /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=hearth bot ./bot
COPY --chown=hearth cogs ./cogs
USER hearth
VOLUME ["/data"]
# Healthy only while the bot's gateway connection is alive (a file it touches on heartbeats).
HEALTHCHECK --interval=1m --timeout=30s --start-period=2m CMD ["python", "-m", "bot", "health"]
CMD ["python", "-m", "bot"]

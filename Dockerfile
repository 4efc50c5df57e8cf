# One image recipe for every service (they differ only by name):
#   docker build --build-arg SERVICE=screening -t ilp-screening .
ARG SERVICE=registry
FROM python:3.11.14-slim-bookworm AS build
ARG SERVICE
COPY --from=ghcr.io/astral-sh/uv:0.13.8 /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
WORKDIR /src
COPY pyproject.toml uv.lock ./
COPY libs libs
COPY services services
COPY src src
# Only this service and what it needs, from the lock file, without dev tools.
RUN uv sync --frozen --no-dev --no-editable --package ilp-${SERVICE}

FROM python:3.11.14-slim-bookworm
ARG SERVICE
RUN useradd --uid 10001 --no-create-home ilp
COPY --from=build /src/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH ILP_HOST=0.0.0.0 ILP_PORT=8000 PYTHONUNBUFFERED=1 \
    ILP_SERVICE=${SERVICE}
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/v1/' + os.environ['ILP_SERVICE'] + '/health/ready')"
CMD exec python -m ilp_${ILP_SERVICE}

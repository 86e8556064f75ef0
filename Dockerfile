# shieldwall as a container image: no compilers, no package manager at run time,
# a non-root user, the scanned tree mounted at /src.
#   docker build -t shieldwall .
#   docker run --rm -v "$PWD:/src:ro" shieldwall scan /src
FROM python:3.11-slim-bookworm AS build
WORKDIR /build
COPY pyproject.toml README.md LICENSE requirements.lock ./
COPY src ./src
RUN python -m venv /opt/shieldwall \
 && /opt/shieldwall/bin/pip install --no-cache-dir --require-hashes -r requirements.lock \
 && /opt/shieldwall/bin/pip install --no-cache-dir --no-deps . \
 && /opt/shieldwall/bin/python -m compileall -q /opt/shieldwall

FROM python:3.11-slim-bookworm
# git reads history (--history); Graphviz lays out the service map.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git=1:2.39.5-0+deb12u3 graphviz=2.42.2-7+deb12u1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --create-home --shell /usr/sbin/nologin shieldwall
COPY --from=build /opt/shieldwall /opt/shieldwall
ENV PATH=/opt/shieldwall/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    XDG_CACHE_HOME=/home/shieldwall/.cache
USER 10001:10001
WORKDIR /src
HEALTHCHECK NONE
ENTRYPOINT ["shieldwall"]
CMD ["scan", "/src"]

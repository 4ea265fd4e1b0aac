# The server's image: its dependencies pinned by constraints.txt, run as an unprivileged user, with
# SQLite in the /data volume unless SFN_DATABASE_URL names another database.
#
# The base image is pinned by version. Not by digest: no registry could be reached where this file
# was written, so no digest could be checked. PYTHON_IMAGE overrides it (docker build --build-arg).
ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python3 -m venv /opt/sfn
WORKDIR /src
# Dependencies before the code, so that a change of the code reuses this layer.
COPY pyproject.toml constraints.txt ./
RUN python3 -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" \
        > requirements.txt \
    && /opt/sfn/bin/pip install -c constraints.txt -r requirements.txt setuptools wheel
COPY README.md ./
COPY app ./app
RUN /opt/sfn/bin/pip install --no-deps --no-build-isolation . \
    && /opt/sfn/bin/pip uninstall -y -q setuptools wheel

FROM ${PYTHON_IMAGE}
RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home sfn \
    && mkdir /data && chown sfn:sfn /data
COPY --from=build /opt/sfn /opt/sfn
ENV PATH=/opt/sfn/bin:$PATH SFN_DATABASE_URL=sqlite:////data/sfn.db
USER sfn
WORKDIR /data
VOLUME /data
EXPOSE 8083
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8083/healthz', timeout=2)"
# sfn serve applies the migrations before it answers.
CMD ["sfn", "serve", "--host", "0.0.0.0", "--port", "8083"]

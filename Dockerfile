FROM python:3.11-slim

WORKDIR /srv/sfn
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
RUN pip install --no-cache-dir -e .

ENV SFN_DATABASE_URL=sqlite:////data/sfn.db
EXPOSE 8083
CMD ["sh", "-c", "sfn migrate && exec sfn serve --host 0.0.0.0 --port 8083"]

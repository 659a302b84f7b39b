"""The ceiling: a bare FastAPI + Jinja2 app rendering a ~5 KB page, measured beside Cascada in one run.

Run by bench/pages.py as `uvicorn bench.ceiling.app:app`; nothing of Cascada is imported.
"""

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment

TEMPLATE = Environment(autoescape=True).from_string(
    """<!doctype html><html lang="es"><head><meta charset="utf-8"><title>{{ title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/app.css">
</head><body><header><nav><a href="/">Inicio</a> <a href="/courses">Cursos</a></nav></header>
<main><h1>{{ title }}</h1>{% for p in paragraphs %}<p>{{ p }}</p>{% endfor %}</main></body></html>"""
)
PARAGRAPHS = [
    f"Párrafo {i}: el trabajo infantil peligroso está prohibido para menores de 18 años; "
    "la inspección laboral y la CODENI reciben las denuncias y derivan los casos."
    for i in range(28)
]

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


@app.get("/", response_class=HTMLResponse)
def page(request: Request) -> str:
    return TEMPLATE.render(title="Lección", paragraphs=PARAGRAPHS)

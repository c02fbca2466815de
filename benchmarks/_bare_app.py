"""The yardstick: a bare Flask app with the same two requests as the wishes form (a GET that
hands out a form and a POST that answers 303), doing no work, served the same way."""

from flask import Flask, redirect

app = Flask(__name__)

FORM = (
    '<form method="post"><input name="csrf_token" type="hidden" value="x">'
    '<input name="form_token" type="hidden" value="y"></form>'
)


@app.get("/consultations/<slug>/wishes/new")
def form(slug):
    return FORM


@app.post("/consultations/<slug>/wishes/new")
def submit(slug):
    return redirect(f"/consultations/{slug}/wishes/about-you", 303)

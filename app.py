"""Entry point: `flask --app app run`, or any WSGI server pointed at app:app."""
from dmp_web import create_app

app = create_app()

"""Views of the exports blueprint."""

from flask import Blueprint

bp = Blueprint("exports", __name__)

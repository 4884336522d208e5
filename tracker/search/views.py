"""Views of the search blueprint."""

from flask import Blueprint

bp = Blueprint("search", __name__)

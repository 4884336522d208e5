"""The Innovation Accelerator proposal tracker: the app factory reads like a table of contents."""

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from config import BASE_DIR, load_config


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the app for `config_name` (TRACKER_ENV when None), with optional overrides."""
    app = Flask(
        __name__,
        instance_path=str(BASE_DIR / "instance"),
        static_folder=str(BASE_DIR / "static"),
        template_folder=str(BASE_DIR / "templates"),
    )
    app.config.from_object(load_config(config_name))
    app.config.update(overrides)
    (BASE_DIR / "instance").mkdir(exist_ok=True)
    app.logger.setLevel(app.config["LOG_LEVEL"])

    register_converters(app)
    register_templates(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_security(app)
    return app


def register_converters(app: Flask) -> None:
    """`<int:...>` in a URL matches only ids a database column can hold: a longer number is
    a 404 like any unknown id, not an overflow deep in the database driver (a 500)."""
    from werkzeug.routing import IntegerConverter

    from tracker.database import MAX_ID

    class DatabaseId(IntegerConverter):
        def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
            super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    app.url_map.converters["int"] = DatabaseId


def register_templates(app: Flask) -> None:
    """The tracker's templates, then GOV.UK Frontend's macros under their package prefix."""
    from tracker import templating

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(BASE_DIR / "templates")),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    templating.init_app(app)


def register_extensions(app: Flask) -> None:
    """Bind the database, migrations, sign-in and CSRF protection to the app."""
    from tracker import models  # noqa: F401  (every model registered before mappers configure)
    from tracker.auth import access
    from tracker.auth.session import init_login
    from tracker.database import configure_engine
    from tracker.extensions import csrf, db, migrate

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    init_login(app)
    # Access runs before CSRF: a visitor is sent to sign in before any token is checked.
    app.before_request(access.enforce_access)
    csrf.init_app(app)


def register_blueprints(app: Flask) -> None:
    """One blueprint per domain; the URL prefix is the domain's name."""
    from tracker.activity.views import bp as activity_bp
    from tracker.api.views import bp as api_bp
    from tracker.admin.views import bp as admin_bp
    from tracker.assessments.views import bp as assessments_bp
    from tracker.auth.views import bp as auth_bp
    from tracker.board.views import bp as board_bp
    from tracker.contributions.views import bp as contributions_bp
    from tracker.dashboard.views import bp as dashboard_bp
    from tracker.exports.views import bp as exports_bp
    from tracker.main.views import bp as main_bp
    from tracker.milestones.views import bp as milestones_bp
    from tracker.notifications.views import bp as notifications_bp
    from tracker.portfolio.views import bp as portfolio_bp
    from tracker.priorities.views import bp as priorities_bp
    from tracker.prioritisation.views import bp as prioritisation_bp
    from tracker.profile.views import bp as profile_bp
    from tracker.programmes.views import bp as programmes_bp
    from tracker.proposals.views import bp as proposals_bp
    from tracker.search.views import bp as search_bp
    from tracker.sections.views import bp as sections_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(profile_bp, url_prefix="/profile")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(programmes_bp, url_prefix="/programmes")
    app.register_blueprint(prioritisation_bp, url_prefix="/programmes")
    app.register_blueprint(portfolio_bp, url_prefix="/programmes")  # /<id>/portfolio, /<id>/targets
    app.register_blueprint(proposals_bp, url_prefix="/proposals")
    # Parts of a proposal, under its URL: /proposals/<id>/sections/..., /board, /assessment.
    app.register_blueprint(sections_bp, url_prefix="/proposals")
    app.register_blueprint(board_bp, url_prefix="/proposals")
    app.register_blueprint(priorities_bp, url_prefix="/proposals")
    app.register_blueprint(assessments_bp, url_prefix="/proposals")
    # /activity and /notifications, plus their per-proposal pages.
    app.register_blueprint(activity_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(contributions_bp)
    # /proposals/<id>/milestones..., /programmes/<id>/timeline, /milestones, /me, /calendar.
    app.register_blueprint(milestones_bp)
    # /dashboard, /programmes/<id>/board-pack; /search; the CSV and XLSX downloads.
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(exports_bp)
    # The read-only JSON API, authenticated by personal tokens rather than the session.
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_errorhandlers(app: Flask) -> None:
    """Generic pages for 400, 403, 404, 405, 409 and 500; the failed transaction rolls back."""
    from tracker import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    """create-user, seed-demo, send-reminders, send-outbox and send-digests."""
    from tracker import commands

    commands.init_app(app)


def register_security(app: Flask) -> None:
    """Security headers with a per-request CSP nonce."""
    from tracker import security

    security.init_app(app)

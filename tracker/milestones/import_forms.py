"""The CSV import's two forms: the upload, and the confirmation that carries the previewed file."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField
from wtforms.validators import ValidationError

from tracker.milestones.csvio import MAX_BYTES, decode


class ImportUploadForm(FlaskForm):
    """A CSV file of milestones, read as UTF-8 text into `text` when it validates."""

    csv_file = FileField("CSV file")
    text: str = ""

    def validate_csv_file(self, field):
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError("Select a CSV file")
        data = upload.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise ValidationError(f"The file must be {MAX_BYTES // 1000} KB or smaller")
        text = decode(data)
        if text is None:
            raise ValidationError("The file must be a CSV file saved as UTF-8 (in Excel: CSV UTF-8)")
        if not text.strip():
            raise ValidationError("The file is empty")
        self.text = text


class ImportConfirmForm(FlaskForm):
    """Import what the preview showed: the file (base64) and the versions of the milestones it
    changes, so a change made meanwhile is caught instead of overwritten."""

    csv_text = HiddenField()
    versions = HiddenField()

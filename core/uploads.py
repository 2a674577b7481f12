"""The spreadsheet upload form every import uses: an XLSX or CSV file read by `core.tables`, refused
with a message that says what to do when it is not a table the import can read."""

from django import forms
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from core.tables import MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, TableError, read_table


def _table_error_message(error: TableError) -> str:
    max_mb = settings.IMPORT_MAX_BYTES / (1024 * 1024)
    copy_the_table = _("Copy only the table into a new workbook, or save it as CSV.")
    code, params = error.code, error.params
    if code == "too_large":
        return _("The file is larger than %(size)s MB.") % {"size": number_format(max_mb, 1)}
    if code == "empty":
        return _("The file is empty.")
    if code == "no_rows":
        return _("The file has no rows.")
    if code == "too_many_rows":
        return _("The file has more than %(rows)s rows.") % {"rows": settings.IMPORT_MAX_ROWS}
    if code == "too_many_columns":
        return _("The file has more than %(columns)s columns.") % {"columns": MAX_COLUMNS}
    if code == "too_many_cells":
        return _("The sheet has more than %(cells)s cells (formatted empty cells count too).") % {
            "cells": number_format(params.get("cells", MAX_CELLS), force_grouping=True)} + " " + copy_the_table
    if code == "archive_too_large":
        return _("The workbook is too large or too complex once unpacked to be an import table.") + " " + copy_the_table
    if code == "cell_too_long":
        return _("A cell in line %(line)s holds more than %(characters)s characters.") % {
            "line": params["line"], "characters": number_format(MAX_CELL_CHARS, force_grouping=True)}
    if code == "bad_number_cell":
        return _("Cell %(cell)s holds “%(value)s”, which is not a number. Type the number again, or empty the "
                 "cell.") % params
    if code == "no_sheets":
        return _("The workbook has no worksheet.")
    if code == "broken_xlsx":
        return _("The file looks like an XLSX workbook but is damaged. Open it in Excel and save it again as .xlsx "
                 "or .csv.")
    if code == "not_xlsx":
        return _("The file is named .xlsx but is not an XLSX workbook. Save it from Excel as .xlsx or .csv.")
    if code == "broken_csv":
        return _("The CSV file cannot be read from line %(line)s on. Save it again from Excel as .csv.") % params
    return _("The file is neither an XLSX workbook nor a CSV text file. Save it from Excel as .xlsx or .csv.")


class SpreadsheetUploadForm(forms.Form):
    """An XLSX or CSV upload, recognised by its content (a file named .xlsx must be a workbook);
    `cleaned_data["table"]` is the parsed table.

    The file is read in memory and never stored.
    """

    file = forms.FileField(
        label=_("File (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_table_error_message(TableError("", code="too_large")), code="too_large")
        try:
            self.cleaned_data["table"] = read_table(
                upload.read(), name=upload.name or "",
                max_bytes=settings.IMPORT_MAX_BYTES, max_rows=settings.IMPORT_MAX_ROWS,
            )
        except TableError as error:
            raise forms.ValidationError(_table_error_message(error), code=error.code) from error
        return upload

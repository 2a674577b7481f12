"""Plumbing every app of the project uses; imports no other app of the project.

- numbers and dates the way the office types them (`numbers`, `forms`, `formats`, `admin`);
- spreadsheets: reading uploads safely (`tables`, `uploads`), writing XLSX/CSV (`spreadsheets`), the
  signed preview-to-confirm token and shared import messages (`imports`);
- the data version each app's tables bump (`models`, `data_version`) and the one cache key of a page
  (`caching`);
- change history (`history`, `admin_history`), roles (`roles`), backup and restore (`backup`,
  `manage.py backup` / `restore`), reference-data load reports (`loading`), error views.
"""

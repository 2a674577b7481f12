"""The task force's view on top of the domain apps: the home page, the printable report and their charts,
read through the `clusters` and `kelurahan` selectors, and the demo (`load_demo`) and reference-data
load (`load_reference_data`) that fill every app at once. No domain app imports it."""

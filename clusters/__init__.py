"""The KLA evaluation: the framework (clusters, indicators, predicates), each year's evaluation with its
stages, self-assessment scores and field deductions, the scoring rules (`scoring`), their writes
(`services`) and reads (`selectors`), the pages to enter them, and the score import and export.
It imports no other domain app: the dashboard, the planner and the evidence of later work sit on top."""

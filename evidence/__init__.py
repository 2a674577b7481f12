"""Evidence documents of an evaluation: files per question (per indicator on the 2019-era framework),
kept in versions, checked for completeness and exported as the ministry asks. Sits on top of `clusters`."""

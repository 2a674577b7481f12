"""The path to the next predicate: the planning rules (`planning`), scenarios with targets per
indicator, the offices that own indicators and their action plans. It reads the evaluation
(`clusters`) and PATBM coverage (`kelurahan`) through their selectors."""

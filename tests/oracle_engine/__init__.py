"""A frozen copy of the per-row summary engine as it was before the columnar rewrite (issue 14).

The oracle for tests/test_engine_oracle.py: the new engine must give every figure, flag and finding
this one gives on tables both can read. Never edit these files to make a test pass.
"""

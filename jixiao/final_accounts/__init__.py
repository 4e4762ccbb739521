"""部门决算: the figures behind 图1–图7, their sentences, and the statement checker.

In: sheets from ``jixiao.ingest`` (the template or a 决算 table), a JSON document, or a report's text.
Out: ``FinalAccounts`` figures and the chart arithmetic (figures.py), the sums they must satisfy
(validate.py), rows → figures (read.py), the template workbook and JSON form (template.py), the
standard sentences (narrative.py), and the verdict on every change/share/completion a report states
(statements.py with statement_text.py and statement_kinds.py).
"""

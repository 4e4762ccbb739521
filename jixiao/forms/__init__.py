"""部门预算项目支出绩效自评表 (one form per project).

In: sheets from ``jixiao.ingest``. Out: a ``FormsDataset`` of ``Form`` objects with their budget lines
and indicators (read.py, labels.py), the formula scores beside the reported ones (compute.py), the
findings of each form (audit.py), and the roll-up into one ``model.ProjectTable`` plus the generated
项目单位自评汇总表 (rollup.py).
"""

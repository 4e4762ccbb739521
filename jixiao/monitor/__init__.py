"""绩效运行监控 (双监控, 财预〔2019〕136号): execution against 序时进度 through the year.

- ``read``: the 月度执行表 (one column per month, cumulative or monthly amounts) as snapshots;
- ``compute``: snapshots of one unit's year → lines per unit and project, the gap to 序时进度 in
  个百分点, 红/黄/绿 bands, 结余 tiers, 偏差原因 and the 待说明 list;
- ``series``: the snapshots and reasons of (unit, year) from the store;
- ``bulletin``: the month's 监控通报 as .docx and .xlsx;
- ``sample``: the made-up 唐山 monthly series in sample_data/.

Plain Python: nothing here imports streamlit.
"""

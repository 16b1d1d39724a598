"""The run's report and summaries: report.json and report.md, charts, tables, advice and the loss check."""

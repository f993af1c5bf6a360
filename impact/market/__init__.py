"""Market analysis of reports: net-view time series, prices, event studies, timeline plots."""

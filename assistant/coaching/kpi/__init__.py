"""The metric (KPI) designer coach."""

"""Pure building blocks of the dashboard: data loading, queries, view state, chart builders."""

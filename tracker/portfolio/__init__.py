"""Portfolio balance: a programme's target share per sector or theme against what its proposals ask."""

"""Credit scoring models trained from data: reading data, additive points scorecards, a challenger, validation."""

"""Demo data for the West Midlands Innovation Accelerator, loaded only by seed-demo."""

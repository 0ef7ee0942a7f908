"""Data files read by pactwatch.clean: furniture patterns and function words, one entry a line."""

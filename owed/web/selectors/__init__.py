"""Reads for the back office's pages. Every function takes the organization and returns
only its rows."""

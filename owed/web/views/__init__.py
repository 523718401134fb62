"""The back office's views: each checks access, calls one service or selector, renders."""

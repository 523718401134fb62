"""The collections engine around `owed.core.decide`: what was decided, done and agreed."""

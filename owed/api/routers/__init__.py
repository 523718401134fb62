"""One router per resource; each scopes every query to the token's organization."""

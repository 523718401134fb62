"""The client portal: a page a client opens from a link in a message, without logging in."""

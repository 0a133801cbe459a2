"""Staff web app: search as you type during a live call, on localhost, read-only."""

"""Clinical review: states, content fingerprints, sign-off, the review queue and diffs."""

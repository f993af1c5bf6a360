"""Rule files become a validated, immutable rule set: schema, loader, terms, modifiers, problem
codes, the merged collection and its cache."""

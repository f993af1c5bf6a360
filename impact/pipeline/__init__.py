"""One document through the engine, in data-path order: document -> text -> matcher -> facts
(and subject) -> inference -> resolve. ``compile`` builds the per-rule-set parts once."""

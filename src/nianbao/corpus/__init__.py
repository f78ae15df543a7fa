"""Corpus work over the store: organ identity, cross-document rules, consolidation, comparison,
indicators, exports and charts."""

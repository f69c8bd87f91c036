//! Importing decisions from a reviewed XLIFF or a TSV of decisions.

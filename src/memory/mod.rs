//! Translation memory read from TMX files: exact and fuzzy matches.

//! The interactive review session.

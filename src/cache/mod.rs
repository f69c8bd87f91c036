//! The durable translation cache (SQLite).

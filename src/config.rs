//! `config.toml` → validated settings.

//! Provider clients against real HTTP servers on 127.0.0.1, at library level: each test builds
//! a provider with `Provider::from_settings_with_env`, translates, and checks the exact request
//! the server received and how faults are classified, retried and redacted.

mod azure;
mod common;
mod deepl;
mod google;
mod libretranslate;
mod mymemory;
mod openai;
mod transport;

//! Quality checks: a registry of checks that flag what a human must look at.

/// Settings of the checks from `config.toml` (`[checks]`); PLACEHOLDER, the quality work defines the fields.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSettings {}

//! A clap value parser for the library's [`Choice`] enums: the possible values, their aliases and
//! their help come from the library's table, so the library needs no clap derive.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use tarjama::choice::Choice;

/// Parses one of `T`'s names (listed with their help in `--help`).
pub fn choice<T: Choice + Send + Sync + Clone>() -> impl TypedValueParser<Value = T> {
    let values = T::CHOICES.iter().map(|c| {
        PossibleValue::new(c.name)
            .aliases(c.aliases.iter().copied())
            .help(c.help)
    });
    PossibleValuesParser::new(values).try_map(|name| {
        T::from_name(&name).ok_or_else(|| format!("{name:?} is not one of the listed values"))
    })
}

//! Closed sets of names a user types (export formats, translation units, evaluation splits): one
//! table per enum, so that the command line, the configuration and the error messages agree on
//! the spelling, and the library needs no command-line parser to describe them.

/// One value of a [`Choice`] enum with the name a user types.
#[derive(Debug, Clone, Copy)]
pub struct Named<T: 'static> {
    /// The value.
    pub value: T,
    /// Its name, as typed on the command line.
    pub name: &'static str,
    /// Other accepted spellings.
    pub aliases: &'static [&'static str],
    /// One line that says what it is.
    pub help: &'static str,
}

/// An enum whose values have names.
pub trait Choice: Copy + PartialEq + Sized + 'static {
    /// Every value, in the order help texts list them.
    const CHOICES: &'static [Named<Self>];

    /// The value named `name` or one of its aliases.
    fn from_name(name: &str) -> Option<Self> {
        Self::CHOICES
            .iter()
            .find(|c| c.name == name || c.aliases.contains(&name))
            .map(|c| c.value)
    }

    /// The name of this value.
    fn name(self) -> &'static str {
        Self::CHOICES
            .iter()
            .find(|c| c.value == self)
            .map_or("", |c| c.name)
    }
}

/// Writes a [`Named`] table entry: `named!(Format::Tsv, "tsv", "Tab-separated values")`, with
/// aliases after the help text.
#[macro_export]
macro_rules! named {
    ($value:expr, $name:literal, $help:literal $(, $alias:literal)* $(,)?) => {
        $crate::choice::Named { value: $value, name: $name, aliases: &[$($alias),*], help: $help }
    };
}

//! Units of measurement written after a number (`16 km`, `10 miles`, `30°C`, `5 كيلوغرامات`),
//! so that a translation that converts (`10 miles (16 km)`) is not a changed number.

/// What a unit measures; only amounts of the same dimension are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// Metres.
    Length,
    /// Square metres.
    Area,
    /// Kilograms.
    Mass,
    /// Degrees Celsius (converted with an offset, not a factor).
    Temperature,
    /// Litres.
    Volume,
    /// Metres per hour.
    Speed,
}

/// A unit: its dimension and how many base units one of it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    /// What it measures.
    pub dimension: Dimension,
    /// Base units per unit (for temperature: 1 for Celsius, 5/9 for Fahrenheit).
    pub factor: f64,
    /// Added after the factor (temperature only: −32·5/9 for Fahrenheit).
    pub offset: f64,
}

const fn unit(dimension: Dimension, factor: f64) -> Unit {
    Unit {
        dimension,
        factor,
        offset: 0.0,
    }
}

/// A unit word (lower case, Arabic normalised and clitic-free), if it is one.
fn lookup(word: &str) -> Option<Unit> {
    use Dimension::*;
    Some(match word {
        "km" | "kms" | "kilometre" | "kilometres" | "kilometer" | "kilometers" | "كم" | "كلم"
        | "كيلومتر" | "كيلومترا" | "كيلومترات" => unit(Length, 1000.0),
        "mile" | "miles" | "ميل" | "ميلا" | "اميال" => unit(Length, 1609.344),
        "m" | "metre" | "metres" | "meter" | "meters" | "متر" | "مترا" | "امتار" => {
            unit(Length, 1.0)
        }
        "cm" | "centimetre" | "centimetres" | "centimeter" | "centimeters" | "سم" | "سنتيمتر"
        | "سنتيمترا" | "سنتيمترات" => unit(Length, 0.01),
        "ft" | "foot" | "feet" | "قدم" | "قدما" | "اقدام" => unit(Length, 0.3048),
        "inch" | "inches" | "بوصة" | "بوصات" | "انش" | "انشات" => {
            unit(Length, 0.0254)
        }
        "yard" | "yards" | "ياردة" | "ياردات" => unit(Length, 0.9144),
        "kg"
        | "kilo"
        | "kilos"
        | "kilogram"
        | "kilograms"
        | "kilogramme"
        | "kilogrammes"
        | "كغ"
        | "كجم"
        | "كيلو"
        | "كيلوغرام"
        | "كيلوغراما"
        | "كيلوغرامات"
        | "كيلوجرام"
        | "كيلوجراما"
        | "كيلوجرامات" => unit(Mass, 1.0),
        "g" | "gram" | "grams" | "gramme" | "grammes" | "غرام" | "غراما" | "غرامات" | "جرام"
        | "جراما" | "جرامات" => unit(Mass, 0.001),
        "lb" | "lbs" => unit(Mass, 0.453_592_37),
        "oz" | "ounce" | "ounces" | "اونصة" | "اونصات" => unit(Mass, 0.028_349_523),
        "stone" => unit(Mass, 6.350_293),
        "tonne" | "tonnes" | "ton" | "tons" | "طن" | "طنا" | "اطنان" => {
            unit(Mass, 1000.0)
        }
        "hectare" | "hectares" | "ha" | "هكتار" | "هكتارا" | "هكتارات" => {
            unit(Area, 1e4)
        }
        "acre" | "acres" => unit(Area, 4046.856),
        "km2" | "km²" => unit(Area, 1e6),
        "m2" | "m²" => unit(Area, 1.0),
        "litre" | "litres" | "liter" | "liters" | "l" | "لتر" | "لترا" | "لترات" => {
            unit(Volume, 1.0)
        }
        "gallon" | "gallons" | "غالون" | "غالونا" | "جالون" | "جالونا" => {
            unit(Volume, 3.785_411)
        }
        "mph" => unit(Speed, 1609.344),
        "km/h" | "kph" | "kmh" => unit(Speed, 1000.0),
        "c" | "°c" | "celsius" | "centigrade" | "مئوية" | "سيليزية" => {
            unit(Temperature, 1.0)
        }
        "f" | "°f" | "fahrenheit" | "فهرنهايت" | "فهرنهايتية" => Unit {
            dimension: Temperature,
            factor: 5.0 / 9.0,
            offset: -32.0 * 5.0 / 9.0,
        },
        _ => return None,
    })
}

/// The unit named by the words after a number (`km`, `square miles`, `miles per hour`,
/// `درجة مئوية`, `كيلومتر مربع`, `كيلومترا في الساعة`), each word given in its lookup forms.
pub fn unit_after(next: &[Vec<String>]) -> Option<Unit> {
    let first = |k: usize| next.get(k).map(|f| f.as_slice()).unwrap_or(&[]);
    let find = |k: usize| first(k).iter().find_map(|w| lookup(w));
    let has = |k: usize, words: &[&str]| first(k).iter().any(|w| words.contains(&w.as_str()));
    // `square miles`, `sq km`; `درجة مئوية`, `degrees Fahrenheit`.
    let (mut u, at) = if has(0, &["square", "sq"]) {
        (find(1).map(squared)?, 1)
    } else if has(0, &["degree", "degrees", "درجة", "درجات"]) {
        let t = find(1).filter(|u| u.dimension == Dimension::Temperature)?;
        (t, 1)
    } else {
        (find(0)?, 0)
    };
    if has(at + 1, &["مربع", "مربعا", "مربعة"]) && u.dimension == Dimension::Length {
        u = squared(u);
    }
    let per_hour = (has(at + 1, &["per", "an", "a"]) && has(at + 2, &["hour"]))
        || (has(at + 1, &["في"]) && has(at + 2, &["الساعة", "ساعة"]));
    if per_hour && u.dimension == Dimension::Length {
        u.dimension = Dimension::Speed;
    }
    Some(u)
}

fn squared(u: Unit) -> Unit {
    match u.dimension {
        Dimension::Length => unit(Dimension::Area, u.factor * u.factor),
        _ => u,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(text: &str) -> Option<Unit> {
        let words: Vec<Vec<String>> = text
            .split_whitespace()
            .map(|w| super::super::words::arabic_stems(&w.to_lowercase()))
            .collect();
        unit_after(&words)
    }

    #[test]
    fn finds_units_in_both_languages() {
        assert_eq!(after("km away").unwrap().factor, 1000.0);
        assert_eq!(after("miles").unwrap().dimension, Dimension::Length);
        assert_eq!(after("square miles").unwrap().dimension, Dimension::Area);
        assert_eq!(after("كيلومتر مربع").unwrap().factor, 1e6);
        assert_eq!(after("miles per hour").unwrap().dimension, Dimension::Speed);
        assert_eq!(
            after("كيلومترا في الساعة").unwrap().dimension,
            Dimension::Speed
        );
        assert_eq!(
            after("درجة مئوية").unwrap().dimension,
            Dimension::Temperature
        );
        assert_eq!(
            after("degrees Fahrenheit").unwrap().offset,
            -32.0 * 5.0 / 9.0
        );
        assert!(after("degrees of freedom").is_none());
        assert!(after("soldiers").is_none());
    }
}

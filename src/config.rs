//! `config.toml` → validated [`Settings`].
//!
//! Where the file comes from ([`locate`]): `--config PATH`, else `./config.toml`, else
//! `$XDG_CONFIG_HOME/tarjama/config.toml` (or `~/.config/tarjama/config.toml`), else the built-in
//! defaults ([`DEFAULT_CONFIG`]). Relative paths inside a file (memory TMX files, the cache) are
//! relative to the file's folder, so a configuration works from any working directory.
//!
//! Unknown keys and wrong types are errors naming the file and line
//! (`config.toml:12: unknown key 'fo' in [translate]; expected one of …`). API keys are never
//! in the file: each provider names the environment variable holding its key (`api_key_env`),
//! so neither [`Settings`] nor its `Debug` output ever contains a secret.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::input::FileError;
use crate::lang::Lang;
use crate::provider::ProviderSettings;
use crate::quality::CheckSettings;

/// The configuration used when no file is found: one local LibreTranslate server, no memory.
pub const DEFAULT_CONFIG: &str = r#"
[translate]
from = "ar"
to = "en"
unit = "sentence"
chain = ["libretranslate"]
cache = ".tarjama/cache.sqlite"

[providers.libretranslate]
kind = "libretranslate"
base_url = "http://localhost:5000"
"#;

/// The name of the translation memory in a chain.
pub const MEMORY: &str = "memory";

/// Default similarity threshold for fuzzy translation-memory matches.
pub const DEFAULT_FUZZY_THRESHOLD: f64 = 0.85;

/// What a translation request covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// One sentence per text: strict 1-1 beads.
    Sentence,
    /// One paragraph per text: more context for the service; the translation is re-segmented.
    Paragraph,
}

impl crate::choice::Choice for Unit {
    const CHOICES: &'static [crate::choice::Named<Self>] = &[
        crate::named!(
            Unit::Sentence,
            "sentence",
            "One sentence per text: strict 1-1 beads"
        ),
        crate::named!(
            Unit::Paragraph,
            "paragraph",
            "One paragraph per text: more context for the service; the translation is re-segmented"
        ),
    ];
}

impl Unit {
    /// `sentence` or `paragraph`.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Sentence => "sentence",
            Unit::Paragraph => "paragraph",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `[translate]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct TranslateSettings {
    /// Source language.
    pub from: Lang,
    /// Target language.
    pub to: Lang,
    /// Translation unit.
    pub unit: Unit,
    /// Names tried in order for each unit: `memory` or a key of `[providers]`.
    pub chain: Vec<String>,
    /// The SQLite cache file (absolute, or relative to the working directory).
    pub cache: PathBuf,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Send the neighbouring source sentences as context with each sentence (one sentence per
    /// request; only services with a context field use it, e.g. DeepL).
    pub context: bool,
}

/// The `[memory]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct MemorySettings {
    /// TMX files, resolved against the configuration file's folder.
    pub files: Vec<PathBuf>,
    /// Lowest similarity (0..=1) accepted for a fuzzy match; 1.0 accepts exact matches only.
    pub fuzzy_threshold: f64,
}

/// Validated settings. Holds no secret: provider keys stay in the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the settings came from.
    pub origin: ConfigOrigin,
    /// `[translate]`.
    pub translate: TranslateSettings,
    /// `[memory]`.
    pub memory: MemorySettings,
    /// `[providers.NAME]`, by name.
    pub providers: BTreeMap<String, ProviderSettings>,
    /// The same tables as written (for `tarjama providers list` and the fingerprint).
    pub provider_tables: BTreeMap<String, toml::Table>,
    /// `[checks]`.
    pub checks: CheckSettings,
    /// `[align]`.
    pub align: AlignSettings,
}

/// `[align]`: how `align` and `run` align sentences.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlignSettings {
    /// Name of a `[providers.NAME]` table of an embeddings kind (`openai-embeddings`,
    /// `ollama-embeddings`, `tei-embeddings`) whose sentence vectors join the alignment
    /// evidence; `None` = align without embeddings.
    pub embeddings: Option<String>,
}

/// Where the settings came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigOrigin {
    /// A configuration file.
    File(PathBuf),
    /// No file was found: [`DEFAULT_CONFIG`].
    BuiltIn,
}

impl fmt::Display for ConfigOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigOrigin::File(path) => write!(f, "{}", path.display()),
            ConfigOrigin::BuiltIn => f.write_str("built-in defaults"),
        }
    }
}

/// A configuration that cannot be used. Displays as one line naming the file and line.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read or is invalid at a line.
    #[error(transparent)]
    File(#[from] FileError),
    /// A command-line override names something the configuration lacks.
    #[error("{0}")]
    Override(String),
}

/// Command-line options that override the file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--provider NAME`: the chain is this one provider (or `memory`).
    pub provider: Option<String>,
    /// `--cache PATH`.
    pub cache: Option<PathBuf>,
    /// `--to LANG`.
    pub to: Option<Lang>,
    /// `--unit`.
    pub unit: Option<Unit>,
    /// `--embeddings NAME`: the embeddings provider of the alignment.
    pub embeddings: Option<String>,
}

/// Checks that `name` is a configured embeddings provider; the message says what is wrong.
fn check_embeddings_name(
    providers: &BTreeMap<String, ProviderSettings>,
    name: &str,
) -> Result<(), String> {
    match providers.get(name) {
        Some(p) if p.is_embeddings() => Ok(()),
        Some(p) => Err(format!(
            "[align] embeddings names '{name}', a translation provider ({}); name a provider of kind {}",
            p.kind(),
            ProviderSettings::EMBEDDING_KINDS.join(", ")
        )),
        None => Err(format!(
            "[align] embeddings names '{name}', but there is no [providers.{name}] table; configured providers: {}",
            list_or_none(providers.keys())
        )),
    }
}

/// The file as written; every table denies unknown keys.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    translate: RawTranslate,
    #[serde(default)]
    memory: RawMemory,
    #[serde(default)]
    providers: BTreeMap<String, Spanned<ProviderSettings>>,
    #[serde(default)]
    checks: CheckSettings,
    align: Option<Spanned<AlignSettings>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTranslate {
    from: Option<Spanned<String>>,
    to: Option<Spanned<String>>,
    unit: Option<Unit>,
    chain: Option<Vec<Spanned<String>>>,
    cache: Option<PathBuf>,
    concurrency: Option<Spanned<usize>>,
    context: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMemory {
    #[serde(default)]
    files: Vec<Spanned<PathBuf>>,
    fuzzy_threshold: Option<Spanned<f64>>,
}

/// Finds the configuration file: `explicit`, else `./config.toml`, else the user's
/// configuration folder; `None` means the built-in defaults.
pub fn locate(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_path_buf());
    }
    let local = PathBuf::from("config.toml");
    if local.is_file() {
        return Some(local);
    }
    user_config_path().filter(|p| p.is_file())
}

/// `$XDG_CONFIG_HOME/tarjama/config.toml`, or `~/.config/tarjama/config.toml`.
pub fn user_config_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("tarjama").join("config.toml"))
}

/// Loads the configuration found by [`locate`] and applies the command-line overrides.
pub fn load(explicit: Option<&Path>, overrides: &Overrides) -> Result<Settings, ConfigError> {
    let mut settings = match locate(explicit) {
        Some(path) => load_file(&path)?,
        None => parse(DEFAULT_CONFIG, ConfigOrigin::BuiltIn)?,
    };
    // `./config.toml` is picked up without the user naming it: a folder received from someone
    // else must not be able to send the user's keys elsewhere.
    let implicit = explicit.is_none()
        && matches!(&settings.origin, ConfigOrigin::File(p) if p == Path::new("config.toml"));
    if !trusted() {
        check_trust(&settings, implicit)?;
    }
    settings.apply(overrides)?;
    Ok(settings)
}

/// Reads and validates one configuration file.
pub fn load_file(path: &Path) -> Result<Settings, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| FileError::Io {
        file: path.display().to_string(),
        source,
    })?;
    parse(&text, ConfigOrigin::File(path.to_path_buf()))
}

/// Parses and validates configuration text. Relative paths are resolved against the folder of
/// `origin` (the working directory for the built-in defaults).
pub fn parse(text: &str, origin: ConfigOrigin) -> Result<Settings, ConfigError> {
    let file = match &origin {
        ConfigOrigin::File(p) => p.display().to_string(),
        ConfigOrigin::BuiltIn => "<built-in config>".to_string(),
    };
    let invalid = |span: Option<Range<usize>>, message: String| {
        ConfigError::File(FileError::Invalid {
            file: file.clone(),
            line: span.map_or(1, |s| line_of(text, s.start)),
            message,
        })
    };
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let (offset, message) = describe_toml_error(text, &e);
        invalid(offset.map(|o| o..o), message)
    })?;
    let tables: toml::Table = toml::from_str(text).map_err(|e| invalid(e.span(), e.to_string()))?;
    let base = match &origin {
        ConfigOrigin::File(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
        ConfigOrigin::BuiltIn => PathBuf::new(),
    };
    let resolve = |p: &Path| {
        if p.is_absolute() || base.as_os_str().is_empty() {
            p.to_path_buf()
        } else {
            base.join(p)
        }
    };

    let lang = |value: &Option<Spanned<String>>, default: &str, key: &str| match value {
        None => Ok(Lang::parse(default).expect("default language tags are valid")),
        Some(v) => Lang::parse(v.get_ref())
            .map_err(|e| invalid(Some(v.span()), format!("[translate] {key}: {e}"))),
    };
    let from = lang(&raw.translate.from, "ar", "from")?;
    let to = lang(&raw.translate.to, "en", "to")?;
    if from.primary() == to.primary() {
        return Err(invalid(
            raw.translate.to.as_ref().map(Spanned::span),
            format!(
                "[translate] from and to are both '{from}'; set to = the language to translate into"
            ),
        ));
    }

    for (name, spanned) in &raw.providers {
        if let Err(message) = check_endpoint(
            name,
            spanned.get_ref(),
            provider_base_url(&tables, name).as_deref(),
        ) {
            let table_line = text[..spanned.span().start.min(text.len())]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let at = key_line(text, table_line, "base_url").unwrap_or(spanned.span().start);
            return Err(invalid(Some(at..at), message));
        }
    }
    let providers: BTreeMap<String, ProviderSettings> = raw
        .providers
        .into_iter()
        .map(|(name, s)| (name, s.into_inner()))
        .collect();
    let provider_tables = tables
        .get("providers")
        .and_then(toml::Value::as_table)
        .map(|t| {
            t.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_table()?.clone())))
                .collect()
        })
        .unwrap_or_default();

    let chain = match raw.translate.chain {
        Some(chain) => chain,
        None => providers
            .iter()
            .find(|(_, p)| !p.is_embeddings())
            .map(|(name, _)| vec![Spanned::new(0..0, name.clone())])
            .unwrap_or_default(),
    };
    if chain.is_empty() {
        return Err(invalid(
            None,
            "[translate] chain is empty; list the translation memory and/or providers to try, e.g. chain = [\"memory\", \"libretranslate\"]".into(),
        ));
    }
    for name in &chain {
        let name_ref = name.get_ref();
        if name_ref != MEMORY && !providers.contains_key(name_ref) {
            return Err(invalid(
                Some(name.span()),
                format!(
                    "[translate] chain names '{name_ref}', which is neither 'memory' nor a [providers.{name_ref}] table; configured providers: {}",
                    list_or_none(providers.keys())
                ),
            ));
        }
        if providers
            .get(name_ref)
            .is_some_and(ProviderSettings::is_embeddings)
        {
            return Err(invalid(
                Some(name.span()),
                format!(
                    "[translate] chain names '{name_ref}', an embeddings provider ({}); it cannot translate: name it in [align] embeddings instead",
                    providers[name_ref].kind()
                ),
            ));
        }
    }
    let align = match raw.align {
        None => AlignSettings::default(),
        Some(table) => {
            let span = table.span();
            let align = table.into_inner();
            if let Some(name) = &align.embeddings {
                check_embeddings_name(&providers, name).map_err(|m| invalid(Some(span), m))?;
            }
            align
        }
    };
    let concurrency = match raw.translate.concurrency {
        None => 4,
        Some(c) if *c.get_ref() >= 1 && *c.get_ref() <= 64 => *c.get_ref(),
        Some(c) => {
            return Err(invalid(
                Some(c.span()),
                "[translate] concurrency must be between 1 and 64".into(),
            ));
        }
    };

    let fuzzy_threshold = match raw.memory.fuzzy_threshold {
        None => DEFAULT_FUZZY_THRESHOLD,
        Some(t) if (0.5..=1.0).contains(t.get_ref()) => *t.get_ref(),
        Some(t) => {
            return Err(invalid(
                Some(t.span()),
                "[memory] fuzzy_threshold must be between 0.5 and 1.0 (1.0 = exact matches only)"
                    .into(),
            ));
        }
    };
    let mut files = Vec::new();
    for f in &raw.memory.files {
        let path = resolve(f.get_ref());
        if !path.is_file() {
            return Err(invalid(
                Some(f.span()),
                format!(
                    "[memory] file {} not found (paths are relative to the configuration file's folder)",
                    path.display()
                ),
            ));
        }
        files.push(path);
    }

    Ok(Settings {
        translate: TranslateSettings {
            from,
            to,
            unit: raw.translate.unit.unwrap_or(Unit::Sentence),
            chain: chain.into_iter().map(Spanned::into_inner).collect(),
            cache: resolve(
                &raw.translate
                    .cache
                    .unwrap_or_else(|| PathBuf::from(".tarjama/cache.sqlite")),
            ),
            concurrency,
            context: raw.translate.context.unwrap_or(false),
        },
        memory: MemorySettings {
            files,
            fuzzy_threshold,
        },
        providers,
        provider_tables,
        checks: raw.checks,
        align,
        origin,
    })
}

impl Settings {
    /// Applies command-line overrides.
    pub fn apply(&mut self, overrides: &Overrides) -> Result<(), ConfigError> {
        if let Some(name) = &overrides.provider {
            if name != MEMORY && !self.providers.contains_key(name) {
                return Err(ConfigError::Override(format!(
                    "--provider {name}: no [providers.{name}] table in {}; configured providers: {}",
                    self.origin,
                    list_or_none(self.providers.keys())
                )));
            }
            self.translate.chain = vec![name.clone()];
        }
        if let Some(path) = &overrides.cache {
            self.translate.cache = path.clone();
        }
        if let Some(to) = &overrides.to {
            if to.primary() == self.translate.from.primary() {
                return Err(ConfigError::Override(format!(
                    "--to {to}: the source language is already '{}'; choose another target language",
                    self.translate.from
                )));
            }
            self.translate.to = to.clone();
        }
        if let Some(unit) = overrides.unit {
            self.translate.unit = unit;
        }
        if let Some(name) = &overrides.embeddings {
            check_embeddings_name(&self.providers, name).map_err(|m| {
                ConfigError::Override(format!("--embeddings {name}: {m} ({})", self.origin))
            })?;
            self.align.embeddings = Some(name.clone());
        }
        Ok(())
    }

    /// A stable fingerprint (16 hex digits) of what changes the output: languages, unit, chain,
    /// context, memory files and threshold, and each chain provider's `identities` (its
    /// `cache_identity()`: kind, endpoint, model, options; never a key).
    pub fn fingerprint(&self, identities: &[String]) -> String {
        let t = &self.translate;
        let mut parts = vec![
            format!("from={}", t.from),
            format!("to={}", t.to),
            format!("unit={}", t.unit),
            format!("chain={}", t.chain.join(",")),
            format!("context={}", t.context),
            format!("fuzzy={}", self.memory.fuzzy_threshold),
        ];
        for f in &self.memory.files {
            let name = f.file_name().map(|n| n.to_string_lossy().into_owned());
            let size = std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
            parts.push(format!("tm={}:{size}", name.unwrap_or_default()));
        }
        parts.extend(identities.iter().map(|i| format!("provider={i}")));
        format!("{:016x}", fnv1a64(parts.join("\n").as_bytes()))
    }
}

// ---------------------------------------------------------------------------------------------
// Where keys may go. A key is read from the variable `api_key_env` names and sent to `base_url`;
// both come from a file, and `./config.toml` is read without being named. The policy:
// - always refused (at load, with the line): a `base_url` that is not http(s) (`file://`…), and
//   a key sent over plain `http://` to a host that is not this machine;
// - refused unless `--trust-config`: an `api_key_env` naming a well-known secret of another
//   tool (`GITHUB_TOKEN`, `AWS_*`…), and an implicit `./config.toml` that sends a key to a host
//   other than the service's documented one (this machine excepted: mock and self-hosted servers);
// - named in the summary of every run ([`Settings::endpoint_notes`]): every provider of the chain
//   whose host is not the documented one.
// ---------------------------------------------------------------------------------------------

static TRUST_CONFIG: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `--trust-config`: accept foreign secret names and a folder configuration's own endpoints for
/// the rest of the process (set once by the command line, before any configuration is loaded).
pub fn set_trust_config(trust: bool) {
    TRUST_CONFIG.store(trust, std::sync::atomic::Ordering::Relaxed);
}

fn trusted() -> bool {
    TRUST_CONFIG.load(std::sync::atomic::Ordering::Relaxed)
}

/// Hosts a service documents for its API, per `kind`. A host ending with an entry that starts
/// with `.` matches by suffix (Azure's regional and custom endpoints).
pub fn documented_hosts(kind: &str) -> &'static [&'static str] {
    match kind {
        "libretranslate" => &["libretranslate.com"],
        "deepl" => &["api.deepl.com", "api-free.deepl.com"],
        "google" => &["translation.googleapis.com"],
        "mymemory" => &["api.mymemory.translated.net"],
        "azure" => &[
            "api.cognitive.microsofttranslator.com",
            ".cognitive.microsofttranslator.com",
            ".cognitiveservices.azure.com",
        ],
        "openai" => &["api.openai.com"],
        _ => &[],
    }
}

/// Environment variables that hold the secret of another tool: never a translation key.
pub fn is_foreign_secret(var: &str) -> bool {
    const EXACT: &[&str] = &[
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "GH_ENTERPRISE_TOKEN",
        "GITLAB_TOKEN",
        "CI_JOB_TOKEN",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "NPM_TOKEN",
        "NODE_AUTH_TOKEN",
        "CARGO_REGISTRY_TOKEN",
        "PYPI_TOKEN",
        "TWINE_PASSWORD",
        "DOCKER_PASSWORD",
        "HEROKU_API_KEY",
        "SLACK_TOKEN",
        "VAULT_TOKEN",
        "KUBECONFIG",
        "DATABASE_URL",
        "PGPASSWORD",
        "MYSQL_PWD",
    ];
    const PREFIXES: &[&str] = &[
        "AWS_",
        "SSH_",
        "GPG_",
        "GNUPG",
        "AZURE_CLIENT_",
        "ARM_CLIENT_",
        "GOOGLE_CLOUD_",
        "GCLOUD_",
        "CLOUDSDK_",
        "DIGITALOCEAN_",
        "CARGO_REGISTRIES_",
    ];
    let upper = var.to_ascii_uppercase();
    EXACT.contains(&upper.as_str()) || PREFIXES.iter().any(|p| upper.starts_with(p))
}

/// The `base_url` a provider table sets, if any.
fn provider_base_url(tables: &toml::Table, name: &str) -> Option<String> {
    tables
        .get("providers")?
        .get(name)?
        .get("base_url")?
        .as_str()
        .map(str::to_string)
}

/// The base URL a provider sends to: the table's `base_url`, else the service's default.
fn effective_base_url(settings: &Settings, name: &str) -> Option<String> {
    let written = settings
        .provider_tables
        .get(name)
        .and_then(|t| t.get("base_url"))
        .and_then(toml::Value::as_str)
        .map(str::to_string);
    written.or_else(|| {
        let kind = settings.providers.get(name)?.kind();
        documented_hosts(kind)
            .first()
            .map(|host| format!("https://{host}"))
    })
}

/// Scheme and host (lower case, without brackets) of a URL.
fn scheme_and_host(url: &str) -> Option<(String, String)> {
    let url = reqwest::Url::parse(url.trim()).ok()?;
    let scheme = url.scheme().to_ascii_lowercase();
    let host = url
        .host_str()?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    Some((scheme, host))
}

/// Whether `host` is this machine (`localhost`, 127.0.0.0/8, `::1`).
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn is_documented(kind: &str, host: &str) -> bool {
    documented_hosts(kind).iter().any(|d| {
        if d.starts_with('.') {
            host.ends_with(d)
        } else {
            host == *d
        }
    })
}

/// The rules that hold whatever the file's origin: http(s) only; no key in clear text to
/// another machine.
fn check_endpoint(
    name: &str,
    settings: &ProviderSettings,
    base_url: Option<&str>,
) -> Result<(), String> {
    let Some(url) = base_url else {
        return Ok(());
    };
    // The scheme first: `file:///etc/passwd` has no host to speak of.
    let scheme = url
        .trim()
        .split_once(':')
        .map(|(s, _)| s.to_ascii_lowercase())
        .unwrap_or_default();
    if scheme != "http" && scheme != "https" {
        return Err(format!(
            "[providers.{name}] base_url uses '{scheme}:'; only http:// and https:// services are supported"
        ));
    }
    let Some((scheme, host)) = scheme_and_host(url) else {
        return Err(format!(
            "[providers.{name}] base_url '{url}' is not a URL; write it like https://host[:port][/path]"
        ));
    };
    if let Some(var) = settings.api_key_env()
        && scheme == "http"
        && !is_loopback_host(&host)
    {
        return Err(format!(
            "[providers.{name}] would send the key from {var} unencrypted to {host} (http://); use https://, a server on this machine, or api_key_env = \"\" if the server needs no key"
        ));
    }
    Ok(())
}

/// What `--trust-config` must allow: foreign secret names, and (for an implicit `./config.toml`)
/// keys sent to a host other than the documented one and not this machine.
pub fn check_trust(settings: &Settings, implicit: bool) -> Result<(), ConfigError> {
    for (name, provider) in &settings.providers {
        let Some(var) = provider.api_key_env() else {
            continue;
        };
        if is_foreign_secret(var) {
            return Err(ConfigError::Override(format!(
                "{}: [providers.{name}] api_key_env = \"{var}\" names the secret of another tool, which would be sent to the translation service; name the variable holding the service's key, or pass --trust-config if this is intended",
                settings.origin
            )));
        }
        if !implicit {
            continue;
        }
        let Some((_, host)) = effective_base_url(settings, name).and_then(|u| scheme_and_host(&u))
        else {
            continue;
        };
        if !is_loopback_host(&host) && !is_documented(provider.kind(), &host) {
            return Err(ConfigError::Override(format!(
                "./config.toml (found in this folder, not given with --config) sends the key from {var} to {host}, not to {}'s documented host; check the file, then pass --config config.toml or --trust-config",
                provider.kind()
            )));
        }
    }
    Ok(())
}

impl Settings {
    /// One line per provider of the chain that sends to a host other than its service's
    /// documented one (a self-hosted server, a proxy, a mock): the CLI prints them with the run
    /// summary so a changed endpoint is never silent.
    pub fn endpoint_notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        for name in &self.translate.chain {
            let Some(provider) = self.providers.get(name) else {
                continue;
            };
            let Some((_, host)) = effective_base_url(self, name).and_then(|u| scheme_and_host(&u))
            else {
                continue;
            };
            if is_documented(provider.kind(), &host) {
                continue;
            }
            let key = match provider.api_key_env() {
                Some(var) => format!(" with the key from {var}"),
                None => String::new(),
            };
            let documented = documented_hosts(provider.kind())
                .first()
                .copied()
                .unwrap_or("?");
            notes.push(format!(
                "provider '{name}' ({}) sends to {host}{key}, not the documented {documented} (base_url in {})",
                provider.kind(),
                self.origin
            ));
        }
        notes
    }
}

/// FNV-1a, 64 bits: stable across builds and platforms (unlike `DefaultHasher`).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn list_or_none<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<&str> = names.map(String::as_str).collect();
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The `[table]` header in force at `offset` (`[providers.deepl]`), or `the top level`.
fn table_at(text: &str, offset: usize) -> String {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[..line_start]
        .lines()
        .filter_map(header_name)
        .next_back()
        .map_or_else(|| "the top level".to_string(), |h| format!("[{h}]"))
}

/// `providers.deepl` for a line `[providers.deepl]` (not for `[[array]]` lines).
fn header_name(line: &str) -> Option<&str> {
    let line = line.trim();
    let inner = line.strip_prefix('[')?.split(']').next()?;
    (!inner.starts_with('[')).then(|| inner.trim())
}

/// Start of the line of the table `header` that sets `key`, if any.
fn key_line(text: &str, header_line_start: usize, key: &str) -> Option<usize> {
    let mut offset = header_line_start;
    for (i, line) in text[header_line_start..].split_inclusive('\n').enumerate() {
        if i > 0 {
            if header_name(line).is_some() {
                return None;
            }
            let rest = line.trim_start().strip_prefix(key);
            if rest.is_some_and(|r| r.trim_start().starts_with('=')) {
                return Some(offset);
            }
        }
        offset += line.len();
    }
    None
}

/// Rewrites serde's wording (`unknown field `fo`, expected one of …`) into one line that says
/// what is wrong, where, and what is allowed; returns it with the byte offset of the line to
/// name. Errors inside a `[providers.NAME]` table come with the table's span (its `kind` tag
/// makes serde buffer it), so the offending key's own line is looked up.
fn describe_toml_error(text: &str, err: &toml::de::Error) -> (Option<usize>, String) {
    let message = err.message().trim().replace('\n', " ");
    let Some(span) = err.span() else {
        return (None, message);
    };
    let mut offset = span.start.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let header = header_name(&text[line_start..line_end]).map(str::to_string);
    let mut table = table_at(text, offset);
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
        match &header {
            // `[transalte]`: the unknown key is the table's own name.
            Some(h) if h == key => table = "the top level".to_string(),
            Some(h) if h.ends_with(&format!(".{key}")) => {}
            Some(h) => {
                table = format!("[{h}]");
                offset = key_line(text, line_start, key).unwrap_or(offset);
            }
            None => {}
        }
        let expected = expected
            .trim_start_matches(',')
            .trim()
            .replace('`', "")
            .replace("expected one of", "expected one of:");
        return (
            Some(offset),
            format!("unknown key '{key}' in {table}; {expected}"),
        );
    }
    if let Some(h) = &header {
        table = format!("[{h}]");
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let expected = expected.trim_start_matches(',').trim().replace('`', "");
        let at = header
            .as_ref()
            .and_then(|_| key_line(text, line_start, "kind"));
        return (
            Some(at.unwrap_or(offset)),
            format!("unknown value '{value}' in {table}; {expected}"),
        );
    }
    (Some(offset), format!("{message} (in {table})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Settings, ConfigError> {
        parse(text, ConfigOrigin::File(PathBuf::from("config.toml")))
    }

    #[test]
    fn the_committed_config_parses_and_uses_the_seed_memory() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml");
        let s = load_file(&path).unwrap();
        assert_eq!(s.translate.chain, ["memory", "libretranslate"]);
        assert!(s.memory.files[0].ends_with("corpora/austin-baghdad/en.tmx"));
        let kinds: Vec<&str> = s.providers.values().map(ProviderSettings::kind).collect();
        for kind in ProviderSettings::KINDS {
            assert!(kinds.contains(&kind), "config.toml shows no {kind} table");
        }
    }

    #[test]
    fn built_in_defaults_are_valid() {
        let s = parse(DEFAULT_CONFIG, ConfigOrigin::BuiltIn).unwrap();
        assert_eq!(s.translate.chain, ["libretranslate"]);
        assert_eq!(s.translate.unit, Unit::Sentence);
        assert_eq!(s.memory.fuzzy_threshold, DEFAULT_FUZZY_THRESHOLD);
    }

    #[test]
    fn unknown_key_names_line_table_and_allowed_keys() {
        let text = "[translate]\nfrom = \"ar\"\nfo = 1\n";
        let err = parse_str(text).unwrap_err().to_string();
        assert!(
            err.starts_with("config.toml:3: unknown key 'fo' in [translate]; expected one of"),
            "{err}"
        );
        assert!(err.contains("chain"), "{err}");
        assert_eq!(err.lines().count(), 1);
    }

    #[test]
    fn unknown_table_is_reported_at_the_top_level() {
        let err = parse_str("[translate]\nchain = [\"memory\"]\n[transalte]\nx = 1\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("config.toml:3: unknown key 'transalte' in the top level; expected one of: translate, memory, providers, checks"),
            "{err}"
        );
    }

    #[test]
    fn errors_inside_provider_tables_name_the_key_line() {
        let text = "[translate]\nchain = [\"lt\"]\n\n[providers.lt]\nkind = \"libretranslate\"\nbase_url = \"http://x\"\ntimout = \"3s\"\n";
        let err = parse_str(text).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "config.toml:7: unknown key 'timout' in [providers.lt]; expected one of: base_url"
            ),
            "{err}"
        );
        let text = "[providers.lt]\nbase_url = \"http://x\"\nkind = \"libretranslat\"\n";
        let err = parse_str(text).unwrap_err().to_string();
        assert!(
            err.starts_with("config.toml:3: unknown value 'libretranslat' in [providers.lt]; expected one of libretranslate, deepl"),
            "{err}"
        );
    }

    #[test]
    fn wrong_type_and_bad_values_name_their_line() {
        let err = parse_str("[translate]\nchain = [\"memory\"]\nconcurrency = \"four\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("config.toml:3: "), "{err}");
        let err = parse_str("[translate]\nconcurrency = 0\nchain = [\"memory\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("config.toml:2: [translate] concurrency"),
            "{err}"
        );
        let err = parse_str("[translate]\nto = \"english\"\nchain = [\"memory\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("config.toml:2: [translate] to:"), "{err}");
        let err = parse_str("[memory]\nfuzzy_threshold = 0.1\n[translate]\nchain = [\"memory\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("config.toml:2: [memory] fuzzy_threshold"),
            "{err}"
        );
    }

    #[test]
    fn chain_must_name_known_providers() {
        let err = parse_str("[translate]\nchain = [\"memory\",\n  \"deepl\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("config.toml:3: [translate] chain names 'deepl'"),
            "{err}"
        );
        let s = parse_str("[translate]\nchain = [\"memory\"]\n").unwrap();
        assert_eq!(s.translate.chain, ["memory"]);
    }

    #[test]
    fn missing_memory_file_is_an_error_with_its_line() {
        let err =
            parse_str("[memory]\nfiles = [\"nope.tmx\"]\n[translate]\nchain = [\"memory\"]\n")
                .unwrap_err()
                .to_string();
        assert!(
            err.starts_with("config.toml:2: [memory] file nope.tmx not found"),
            "{err}"
        );
    }

    #[test]
    fn paths_are_relative_to_the_config_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("tm.tmx"), "<tmx/>").unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "[translate]\nchain=[\"memory\"]\ncache = \"c/cache.sqlite\"\n[memory]\nfiles=[\"tm.tmx\"]\n",
        )
        .unwrap();
        let s = load_file(&path).unwrap();
        assert_eq!(s.memory.files, [dir.path().join("tm.tmx")]);
        assert_eq!(s.translate.cache, dir.path().join("c/cache.sqlite"));
    }

    #[test]
    fn align_embeddings_must_name_an_embeddings_provider() {
        let text = "[translate]\nchain = [\"memory\"]\n[align]\nembeddings = \"e5\"\n\
                    [providers.e5]\nkind = \"openai-embeddings\"\n\
                    base_url = \"http://127.0.0.1:8000/v1\"\napi_key_env = \"\"\n\
                    model = \"multilingual-e5-small\"\n";
        let s = parse_str(text).unwrap();
        assert_eq!(s.align.embeddings.as_deref(), Some("e5"));
        let err = parse_str(&text.replace("embeddings = \"e5\"", "embeddings = \"e6\""))
            .unwrap_err()
            .to_string();
        assert!(err.contains("no [providers.e6] table"), "{err}");
        let err = parse_str(&text.replace("chain = [\"memory\"]", "chain = [\"e5\"]"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("an embeddings provider"), "{err}");
        // the default chain skips embeddings providers
        let s = parse_str(&text.replace("chain = [\"memory\"]\n", "")).unwrap_err();
        assert!(s.to_string().contains("chain is empty"), "{s}");
        let mut s = parse_str("[translate]\nchain = [\"memory\"]\n").unwrap();
        let err = s
            .apply(&Overrides {
                embeddings: Some("e5".into()),
                ..Overrides::default()
            })
            .unwrap_err()
            .to_string();
        assert!(err.contains("--embeddings e5"), "{err}");
    }

    #[test]
    fn overrides_replace_the_chain_and_check_names() {
        let mut s = parse_str("[translate]\nchain = [\"memory\"]\n").unwrap();
        s.apply(&Overrides {
            provider: Some("memory".into()),
            cache: Some("x.sqlite".into()),
            to: Some(Lang::parse("fr").unwrap()),
            unit: Some(Unit::Paragraph),
            ..Overrides::default()
        })
        .unwrap();
        assert_eq!(s.translate.to.as_str(), "fr");
        assert_eq!(s.translate.unit, Unit::Paragraph);
        assert_eq!(s.translate.cache, PathBuf::from("x.sqlite"));
        let err = s
            .apply(&Overrides {
                provider: Some("deepl".into()),
                ..Overrides::default()
            })
            .unwrap_err()
            .to_string();
        assert!(err.contains("no [providers.deepl] table"), "{err}");
    }

    #[test]
    fn fingerprint_is_stable_and_tracks_output_settings() {
        let a = parse_str("[translate]\nchain = [\"memory\"]\n").unwrap();
        let mut b = a.clone();
        assert_eq!(a.fingerprint(&[]), b.fingerprint(&[]));
        b.translate.to = Lang::parse("fr").unwrap();
        assert_ne!(a.fingerprint(&[]), b.fingerprint(&[]));
        assert_ne!(a.fingerprint(&[]), a.fingerprint(&["deepl|x".into()]));
        b.translate.concurrency = 9;
        let mut c = a.clone();
        c.translate.concurrency = 9;
        assert_eq!(
            a.fingerprint(&[]),
            c.fingerprint(&[]),
            "concurrency does not change output"
        );
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
    }

    #[test]
    fn endpoint_rules_hold_for_every_origin() {
        let table = |url: &str, key: &str| {
            format!(
                "[translate]\nchain = [\"lt\"]\n[providers.lt]\nkind = \"libretranslate\"\nbase_url = \"{url}\"\napi_key_env = \"{key}\"\n"
            )
        };
        let err = parse_str(&table("file:///etc/passwd", ""))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("config.toml:5: [providers.lt] base_url uses 'file:'"),
            "{err}"
        );
        let err = parse_str(&table("http://10.0.0.7:5000", "LT_KEY"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("unencrypted to 10.0.0.7"), "{err}");
        for ok in [
            table("http://127.0.0.1:5000", "LT_KEY"),
            table("http://localhost:5000", "LT_KEY"),
            table("http://[::1]:5000", "LT_KEY"),
            table("http://10.0.0.7:5000", ""),
            table("https://lt.example.org", "LT_KEY"),
        ] {
            parse_str(&ok).unwrap();
        }
    }

    #[test]
    fn foreign_secrets_and_folder_endpoints_need_trust() {
        let settings = |url: &str, key: &str| {
            parse_str(&format!("[translate]\nchain = [\"lt\"]\n[providers.lt]\nkind = \"libretranslate\"\nbase_url = \"{url}\"\napi_key_env = \"{key}\"\n")).unwrap()
        };
        for var in [
            "GITHUB_TOKEN",
            "GH_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "SSH_AUTH_SOCK",
            "NPM_TOKEN",
            "GOOGLE_APPLICATION_CREDENTIALS",
        ] {
            let err = check_trust(&settings("http://127.0.0.1:1", var), false)
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("names the secret of another tool"),
                "{var}: {err}"
            );
        }
        check_trust(&settings("https://lt.example.org", "LT_KEY"), false).unwrap();
        let err = check_trust(&settings("https://lt.example.org", "LT_KEY"), true)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("sends the key from LT_KEY to lt.example.org"),
            "{err}"
        );
        check_trust(&settings("https://libretranslate.com", "LT_KEY"), true).unwrap();
        check_trust(&settings("http://127.0.0.1:5000", "LT_KEY"), true).unwrap();
        check_trust(&settings("https://lt.example.org", ""), true).unwrap();
    }

    #[test]
    fn endpoint_notes_name_every_undocumented_host_of_the_chain() {
        let s = parse_str("[translate]\nchain = [\"memory\", \"lt\", \"d\"]\n[providers.lt]\nkind = \"libretranslate\"\nbase_url = \"http://localhost:5000\"\n[providers.d]\nkind = \"deepl\"\napi_key_env = \"DEEPL_AUTH_KEY\"\n[providers.o]\nkind = \"openai\"\nbase_url = \"https://proxy.example\"\n").unwrap();
        let notes = s.endpoint_notes();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].starts_with("provider 'lt' (libretranslate) sends to localhost with the key from LIBRETRANSLATE_API_KEY, not the documented libretranslate.com"),
            "{notes:?}"
        );
        let the_committed =
            load_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml")).unwrap();
        check_trust(&the_committed, true).unwrap();
    }
}

//! The service-backed quality signals wired to the providers and the cache: `round-trip`,
//! `provider-disagreement` and `llm-judge` (the checks themselves are in
//! [`crate::quality::services`]; this module only gives them a cached service to call).

use std::sync::Arc;

use anyhow::Context;

use crate::bitext::{Bitext, Flag};
use crate::cache::{Cache, Key};
use crate::lang::Lang;
use crate::provider::{Provider, Translate};
use crate::quality::services::{self, TextTranslator};

/// A configured service behind the translation cache, as the service-backed signals see it:
/// the same cached engine as documents ([`crate::translate::translate_texts`]): cached texts
/// cost nothing, the others go out in batches within the service's limits and are stored the
/// moment they arrive. The signals' checks are synchronous, so each call blocks its thread on
/// the runtime (inside `block_in_place`, see [`service_signals`]).
pub struct CachedService<'a> {
    /// The `[providers.NAME]` name (stored with each cache entry).
    pub name: &'a str,
    /// The client.
    pub provider: &'a dyn Translate,
    /// The cache, when there is one.
    pub cache: Option<Arc<Cache>>,
    /// The runtime the requests run on.
    pub runtime: tokio::runtime::Handle,
}

impl TextTranslator for CachedService<'_> {
    fn translate(&self, texts: &[String], from: &Lang, to: &Lang) -> Result<Vec<String>, String> {
        let limits = self.provider.limits();
        if let Some(i) = texts.iter().position(|t| !limits.text_fits(t)) {
            return Err(format!(
                "sentence {i} is longer than {} accepts in one text",
                self.name
            ));
        }
        let results = self.runtime.block_on(crate::translate::translate_texts(
            self.name,
            self.provider,
            self.cache.clone(),
            texts,
            from,
            to,
            self.provider.concurrency(),
        ))?;
        results.into_iter().collect()
    }
}

/// An `openai`-kind provider as an MQM judge, behind the SQLite cache: the raw reply is stored
/// under the provider's identity + `|judge-v1`, keyed by the source (text) and the translation
/// (context), so a re-run pays nothing; a cached reply is validated again like a fresh one.
pub struct LlmJudge<'a> {
    /// The `[providers.NAME]` name (stored with each cache entry).
    pub name: &'a str,
    /// The chat client.
    pub client: &'a crate::provider::openai::OpenAi,
    /// The cache, when there is one.
    pub cache: Option<&'a Cache>,
    /// The runtime the requests run on.
    pub runtime: tokio::runtime::Handle,
    /// Language of the source.
    pub from: &'a Lang,
    /// Language of the translation.
    pub to: &'a Lang,
}

/// The system message of every judgement (the instructions are in the user message).
const JUDGE_SYSTEM: &str =
    "You are a meticulous translation quality reviewer. You answer with JSON only.";

impl LlmJudge<'_> {
    fn reply(&self, src: &str, tgt: &str) -> Result<String, String> {
        let identity = format!("{}|judge-v1", self.client.cache_identity());
        let key = Key {
            identity: &identity,
            source_lang: self.from.as_str(),
            target_lang: self.to.as_str(),
            source: src,
            context: Some(tgt),
        };
        if let Some(hit) = self
            .cache
            .map(|c| c.get(&key))
            .transpose()
            .map_err(|e| e.to_string())?
            .flatten()
        {
            return Ok(hit.target);
        }
        let prompt = services::judge_prompt(src, tgt, self.from, self.to);
        let reply = self
            .runtime
            .block_on(self.client.chat(JUDGE_SYSTEM, &prompt))
            .map_err(|e| format!("{}: {e}", self.name))?;
        if let Some(cache) = self.cache {
            let billed = (JUDGE_SYSTEM.chars().count() + prompt.chars().count()) as u64;
            cache
                .put(&key, &reply, self.name, billed)
                .map_err(|e| e.to_string())?;
        }
        Ok(reply)
    }
}

impl services::Judge for LlmJudge<'_> {
    fn judge(&self, src: &str, tgt: &str) -> Result<Vec<services::MqmError>, String> {
        let reply = self.reply(src, tgt)?;
        services::parse_mqm(&reply, src, tgt)
    }
}

/// Runs the enabled service-backed signals with the configured providers and cache. A provider
/// that cannot even be built (unknown name, missing key, a judge that is not `openai`) is an
/// error of the configuration; a service that fails while running gives a `not-checked` flag.
/// The checks are synchronous: they run inside `block_in_place` (the runtime moves its other
/// tasks off this thread) and block on the cached engine for each service call.
pub async fn service_signals(
    bitext: &Bitext,
    settings: &crate::config::Settings,
) -> anyhow::Result<Vec<Flag>> {
    let runtime = tokio::runtime::Handle::current();
    tokio::task::block_in_place(|| signals_blocking(bitext, settings, runtime))
}

fn signals_blocking(
    bitext: &Bitext,
    settings: &crate::config::Settings,
    runtime: tokio::runtime::Handle,
) -> anyhow::Result<Vec<Flag>> {
    let checks = &settings.checks;
    if !(checks.round_trip.enabled
        || checks.provider_disagreement.enabled
        || checks.llm_judge.enabled)
    {
        return Ok(Vec::new());
    }
    let cache = Arc::new(Cache::open(&settings.translate.cache)?);
    let first_service = settings
        .translate
        .chain
        .iter()
        .find(|n| n.as_str() != crate::config::MEMORY)
        .cloned();
    let build = |name: &Option<String>, signal: &str| -> anyhow::Result<(String, Provider)> {
        let name = name.clone().or_else(|| first_service.clone()).with_context(|| {
            format!("[checks.{signal}] is enabled but names no provider and the chain has none; set provider = \"NAME\"")
        })?;
        let table = settings.providers.get(&name).with_context(|| {
            format!("[checks.{signal}] provider = \"{name}\" is not a [providers.{name}] table")
        })?;
        let provider = Provider::from_settings(&name, table)?;
        Ok((name, provider))
    };
    let mut flags = Vec::new();
    if checks.round_trip.enabled {
        let (name, provider) = build(&checks.round_trip.provider, "round-trip")?;
        let service = CachedService {
            name: &name,
            provider: &provider,
            cache: Some(Arc::clone(&cache)),
            runtime: runtime.clone(),
        };
        flags.extend(services::round_trip(bitext, &service, checks));
    }
    if checks.provider_disagreement.enabled {
        let (name, provider) = build(
            &checks.provider_disagreement.provider,
            "provider-disagreement",
        )?;
        let service = CachedService {
            name: &name,
            provider: &provider,
            cache: Some(Arc::clone(&cache)),
            runtime: runtime.clone(),
        };
        flags.extend(services::provider_disagreement(bitext, &service, checks));
    }
    if checks.llm_judge.enabled {
        let name = checks.llm_judge.provider.clone().context(
            "[checks.llm-judge] is enabled but names no provider; set provider = \"NAME\" to a [providers.NAME] table with kind = \"openai\"",
        )?;
        let (name, provider) = build(&Some(name), "llm-judge")?;
        let Provider::Openai(client) = &provider else {
            anyhow::bail!(
                "[checks.llm-judge] provider = \"{name}\" is not an openai-kind provider; the judge needs a chat model: name a [providers.NAME] table with kind = \"openai\""
            );
        };
        let judge = LlmJudge {
            name: &name,
            client,
            cache: Some(&cache),
            runtime: runtime.clone(),
            from: &bitext.header.source_lang,
            to: &bitext.header.target_lang,
        };
        flags.extend(services::llm_judge(bitext, &judge, checks));
    }
    Ok(flags)
}

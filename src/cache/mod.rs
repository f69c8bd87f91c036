//! The durable translation cache: one SQLite file (rusqlite, bundled SQLite) in WAL mode.
//!
//! A key is everything that changes a service's answer: the provider's `cache_identity()`
//! (kind, endpoint, model, options; never a key), the languages, the exact source text in NFC,
//! and the context sent with it (empty when none). Each [`Cache::put`] is its own transaction,
//! committed before it returns, so a run killed at any point keeps every translation it was
//! given and a re-run asks only for what is missing. The schema is versioned with
//! `PRAGMA user_version`; [`MIGRATIONS`] bring older files up to date.
//!
//! One connection behind a mutex, used from blocking threads only (the async engine reads it with
//! `spawn_blocking` and writes through one writer task), so SQLite never blocks the runtime's
//! workers. Sharing it is cheap (SQLite writes
//! are serialised anyway, and each one is a few microseconds next to a network round trip).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, params};
use unicode_normalization::UnicodeNormalization;

mod vectors;
pub use vectors::{CachedEmbedder, EmbedError};

/// Schema migrations; entry `i` upgrades `user_version` `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 0 → 1: the translations table.
    "CREATE TABLE translation (
        identity     TEXT NOT NULL,
        source_lang  TEXT NOT NULL,
        target_lang  TEXT NOT NULL,
        source       TEXT NOT NULL,
        context      TEXT NOT NULL DEFAULT '',
        target       TEXT NOT NULL,
        provider     TEXT NOT NULL,
        billed_chars INTEGER NOT NULL DEFAULT 0,
        created      INTEGER NOT NULL,
        PRIMARY KEY (identity, source_lang, target_lang, source, context)
    ) WITHOUT ROWID;",
    // 1 → 2: sentence lengths the service reported (Azure), comma-separated, so that a cached
    // paragraph is split into the same target sentences as a fresh one.
    "ALTER TABLE translation ADD COLUMN sentence_lengths TEXT;",
    // 2 → 3: sentence embeddings (`vectors.rs`).
    vectors::MIGRATION,
];

/// A cache operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// SQLite refused an operation.
    #[error("cache {path}: {source}")]
    Sqlite {
        /// The cache file.
        path: String,
        /// Cause.
        #[source]
        source: rusqlite::Error,
    },
    /// The file was written by a newer tarjama.
    #[error(
        "cache {path}: schema version {found} is newer than this tarjama understands ({known}); upgrade tarjama or use another --cache"
    )]
    TooNew {
        /// The cache file.
        path: String,
        /// Version in the file.
        found: u32,
        /// Latest version this build knows.
        known: u32,
    },
    /// The task writing to the cache stopped (after an error reported with it).
    #[error("the cache writer stopped")]
    WriterGone,
    /// The cache folder could not be created.
    #[error("cache {path}: cannot create its folder: {source}")]
    Folder {
        /// The cache file.
        path: String,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
}

/// What identifies one cached translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key<'a> {
    /// The provider's `cache_identity()`.
    pub identity: &'a str,
    /// Source language tag.
    pub source_lang: &'a str,
    /// Target language tag.
    pub target_lang: &'a str,
    /// Source text (normalised to NFC by the cache).
    pub source: &'a str,
    /// Context sent with the text, if any (normalised to NFC by the cache).
    pub context: Option<&'a str>,
}

/// A cached translation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The translation.
    pub target: String,
    /// The provider name it was stored under.
    pub provider: String,
    /// Characters billed when it was fetched.
    pub billed_chars: u64,
    /// When it was stored (seconds since the Unix epoch).
    pub created: i64,
    /// Sentence lengths of the translation in characters, when the service reported them.
    pub sentence_lengths: Option<Vec<usize>>,
}

/// One row, for `tarjama cache export`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    /// Source language tag.
    pub source_lang: String,
    /// Target language tag.
    pub target_lang: String,
    /// Source text (NFC).
    pub source: String,
    /// Translation.
    pub target: String,
    /// Provider name.
    pub provider: String,
    /// Provider identity (kind, endpoint, model, options).
    pub identity: String,
    /// Characters billed.
    pub billed_chars: u64,
    /// When it was stored (seconds since the Unix epoch).
    pub created: i64,
}

/// Counts for `tarjama cache stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Stored translations.
    pub entries: u64,
    /// Characters billed for them, in total.
    pub billed_chars: u64,
    /// Per provider name: (entries, billed characters).
    pub by_provider: Vec<(String, u64, u64)>,
    /// Oldest and newest entry (seconds since the Unix epoch).
    pub span: Option<(i64, i64)>,
}

/// The cache: a SQLite connection shared by the blocking threads of a run.
#[derive(Debug)]
pub struct Cache {
    path: PathBuf,
    conn: Mutex<Connection>,
}

impl Cache {
    /// Opens (creating it and its folder if needed) and migrates the cache file.
    pub fn open(path: &Path) -> Result<Cache, CacheError> {
        let name = path.display().to_string();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| CacheError::Folder {
                path: name.clone(),
                source,
            })?;
        }
        let sqlite = |source| CacheError::Sqlite {
            path: name.clone(),
            source,
        };
        let mut conn = Connection::open(path).map_err(sqlite)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite)?;
        // WAL: readers never block the writer; NORMAL sync is durable across a killed process
        // (only a power cut can lose the last commits).
        // Switching to WAL needs an exclusive lock, and SQLite answers a second process doing
        // the same at that moment with BUSY without waiting: retry within the busy timeout.
        retry_busy(|| conn.pragma_update(None, "journal_mode", "WAL")).map_err(sqlite)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sqlite)?;
        migrate(&mut conn, &name)?;
        Ok(Cache {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
        })
    }

    /// The cache file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sqlite(&self, source: rusqlite::Error) -> CacheError {
        CacheError::Sqlite {
            path: self.path.display().to_string(),
            source,
        }
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (its own transactions
        // guarantee that), so a poisoned lock is still safe to use.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cached translation for `key`, if any.
    pub fn get(&self, key: &Key<'_>) -> Result<Option<Hit>, CacheError> {
        let (source, context) = normalised(key);
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT target, provider, billed_chars, created, sentence_lengths FROM translation
                 WHERE identity = ?1 AND source_lang = ?2 AND target_lang = ?3 AND source = ?4 AND context = ?5",
            )
            .map_err(|e| self.sqlite(e))?;
        stmt.query_row(
            params![
                key.identity,
                key.source_lang,
                key.target_lang,
                source,
                context
            ],
            |row| {
                Ok(Hit {
                    target: row.get(0)?,
                    provider: row.get(1)?,
                    billed_chars: row.get::<_, i64>(2)?.max(0) as u64,
                    created: row.get(3)?,
                    sentence_lengths: row
                        .get::<_, Option<String>>(4)?
                        .and_then(|l| parse_lengths(&l)),
                })
            },
        )
        .optional()
        .map_err(|e| self.sqlite(e))
    }

    /// Stores a translation, committed before this returns (a later identical key replaces it).
    pub fn put(
        &self,
        key: &Key<'_>,
        target: &str,
        provider: &str,
        billed_chars: u64,
    ) -> Result<(), CacheError> {
        self.put_with_lengths(key, target, provider, billed_chars, None)
    }

    /// [`Cache::put`] with the sentence lengths the service reported for the translation.
    pub fn put_with_lengths(
        &self,
        key: &Key<'_>,
        target: &str,
        provider: &str,
        billed_chars: u64,
        sentence_lengths: Option<&[usize]>,
    ) -> Result<(), CacheError> {
        let lengths =
            sentence_lengths.map(|l| l.iter().map(usize::to_string).collect::<Vec<_>>().join(","));
        let (source, context) = normalised(key);
        let created = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "INSERT OR REPLACE INTO translation
                 (identity, source_lang, target_lang, source, context, target, provider, billed_chars, created, sentence_lengths)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .map_err(|e| self.sqlite(e))?;
        stmt.execute(params![
            key.identity,
            key.source_lang,
            key.target_lang,
            source,
            context,
            target,
            provider,
            billed_chars as i64,
            created,
            lengths
        ])
        .map_err(|e| self.sqlite(e))?;
        Ok(())
    }

    /// Entry counts and billed characters, in total and per provider.
    pub fn stats(&self) -> Result<Stats, CacheError> {
        let conn = self.conn();
        let sql = |e| self.sqlite(e);
        let (entries, billed, oldest, newest): (i64, i64, Option<i64>, Option<i64>) = conn
            .query_row(
                "SELECT COUNT(*), COALESCE(SUM(billed_chars), 0), MIN(created), MAX(created) FROM translation",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .map_err(sql)?;
        let mut stmt = conn
            .prepare(
                "SELECT provider, COUNT(*), COALESCE(SUM(billed_chars), 0) FROM translation
                 GROUP BY provider ORDER BY provider",
            )
            .map_err(sql)?;
        let by_provider = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)? as u64,
                    r.get::<_, i64>(2)? as u64,
                ))
            })
            .map_err(sql)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sql)?;
        Ok(Stats {
            entries: entries as u64,
            billed_chars: billed as u64,
            by_provider,
            span: oldest.zip(newest),
        })
    }

    /// Deletes every entry; returns how many there were.
    pub fn clear(&self) -> Result<u64, CacheError> {
        let conn = self.conn();
        let n = conn
            .execute("DELETE FROM translation", [])
            .map_err(|e| self.sqlite(e))?;
        // Give the space back: a cleared cache should not keep its old size on disk.
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;")
            .map_err(|e| self.sqlite(e))?;
        Ok(n as u64)
    }

    /// Every entry, oldest first (then by source text), as an iterator.
    pub fn entries(&self) -> Result<impl Iterator<Item = Entry> + use<>, CacheError> {
        let conn = self.conn();
        let sql = |e| self.sqlite(e);
        let mut stmt = conn
            .prepare(
                "SELECT source_lang, target_lang, source, target, provider, identity, billed_chars, created
                 FROM translation ORDER BY created, source_lang, target_lang, source",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Entry {
                    source_lang: r.get(0)?,
                    target_lang: r.get(1)?,
                    source: r.get(2)?,
                    target: r.get(3)?,
                    provider: r.get(4)?,
                    identity: r.get(5)?,
                    billed_chars: r.get::<_, i64>(6)?.max(0) as u64,
                    created: r.get(7)?,
                })
            })
            .map_err(sql)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sql)?;
        Ok(rows.into_iter())
    }
}

/// `12,30,7` → `[12, 30, 7]`; `None` if any number is malformed.
fn parse_lengths(text: &str) -> Option<Vec<usize>> {
    text.split(',').map(|n| n.trim().parse().ok()).collect()
}

/// The NFC source text and context of a key, as stored.
fn normalised(key: &Key<'_>) -> (String, String) {
    (
        key.source.nfc().collect(),
        key.context.map(|c| c.nfc().collect()).unwrap_or_default(),
    )
}

/// Brings the file's schema up to [`MIGRATIONS`]`.len()`, one transaction per step.
/// How long opening a cache waits for another process that holds it (the busy timeout, and the
/// retries of the steps SQLite does not wait for by itself).
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs `step` again while SQLite answers BUSY or LOCKED, for at most [`BUSY_TIMEOUT`]: the
/// busy handler does not cover a change of journal mode or a lock upgrade that would deadlock.
fn retry_busy<T>(mut step: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match step() {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10 + fastrand::u64(0..20)));
            }
            other => return other,
        }
    }
}

fn migrate(conn: &mut Connection, name: &str) -> Result<(), CacheError> {
    let sqlite = |source| CacheError::Sqlite {
        path: name.to_string(),
        source,
    };
    let known = MIGRATIONS.len() as u32;
    let read_version =
        |conn: &Connection| conn.pragma_query_value(None, "user_version", |r| r.get::<_, u32>(0));
    if retry_busy(|| read_version(conn)).map_err(sqlite)? == known {
        return Ok(());
    }
    // Two runs may open a new cache file at the same moment: `BEGIN IMMEDIATE` takes the write
    // lock before the version is read (the busy timeout makes the second run wait), so only
    // one of them migrates and the other sees the finished schema.
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(sqlite)?;
    let version = read_version(&tx).map_err(sqlite)?;
    if version > known {
        return Err(CacheError::TooNew {
            path: name.to_string(),
            found: version,
            known,
        });
    }
    for (step, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql).map_err(sqlite)?;
        tx.pragma_update(None, "user_version", step as u32 + 1)
            .map_err(sqlite)?;
    }
    tx.commit().map_err(sqlite)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrent_creation_of_a_new_cache_never_fails() {
        for round in 0..6 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(format!("race-{round}.sqlite"));
            let barrier = std::sync::Barrier::new(4);
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..4)
                    .map(|_| {
                        scope.spawn(|| {
                            barrier.wait();
                            Cache::open(&path).map(|c| c.get(&key("x", None)).map(|_| ()))
                        })
                    })
                    .collect();
                for h in handles {
                    let result = h.join().unwrap();
                    assert!(matches!(result, Ok(Ok(()))), "round {round}: {result:?}");
                }
            });
        }
    }

    fn key<'a>(source: &'a str, context: Option<&'a str>) -> Key<'a> {
        Key {
            identity: "libretranslate|http://x",
            source_lang: "ar",
            target_lang: "en",
            source,
            context,
        }
    }

    #[test]
    fn stores_and_finds_by_exact_nfc_text_and_context() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(&dir.path().join("sub/c.sqlite")).unwrap();
        assert_eq!(cache.get(&key("مرحبا", None)).unwrap(), None);
        cache.put(&key("مرحبا", None), "Hello", "lt", 5).unwrap();
        let hit = cache.get(&key("مرحبا", None)).unwrap().unwrap();
        assert_eq!(
            (hit.target.as_str(), hit.provider.as_str(), hit.billed_chars),
            ("Hello", "lt", 5)
        );
        // Context is part of the key.
        assert_eq!(cache.get(&key("مرحبا", Some("سياق"))).unwrap(), None);
        // NFD and NFC spellings are the same key.
        cache.put(&key("e\u{301}", None), "é", "lt", 1).unwrap();
        assert!(cache.get(&key("\u{e9}", None)).unwrap().is_some());
        // Another identity is another key.
        let other = Key {
            identity: "deepl|x",
            ..key("مرحبا", None)
        };
        assert_eq!(cache.get(&other).unwrap(), None);
    }

    #[test]
    fn survives_reopening_and_reports_stats() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite");
        {
            let cache = Cache::open(&path).unwrap();
            cache.put(&key("a", None), "A", "lt", 1).unwrap();
            cache.put(&key("b", None), "B", "deepl", 2).unwrap();
        }
        let cache = Cache::open(&path).unwrap();
        let stats = cache.stats().unwrap();
        assert_eq!(stats.entries, 2);
        assert_eq!(stats.billed_chars, 3);
        assert_eq!(stats.by_provider[0], ("deepl".to_string(), 1, 2));
        let entries: Vec<Entry> = cache.entries().unwrap().collect();
        assert_eq!(entries.len(), 2);
        assert_eq!(cache.clear().unwrap(), 2);
        assert_eq!(cache.stats().unwrap().entries, 0);
    }

    #[test]
    fn migrates_a_version_1_file_and_keeps_its_entries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute(
                "INSERT INTO translation (identity, source_lang, target_lang, source, target, provider, created)
                 VALUES ('libretranslate|http://x', 'ar', 'en', 'قديم', 'old', 'lt', 1)",
                [],
            )
            .unwrap();
        }
        let cache = Cache::open(&path).unwrap();
        let hit = cache.get(&key("قديم", None)).unwrap().unwrap();
        assert_eq!((hit.target.as_str(), hit.sentence_lengths), ("old", None));
        cache
            .put_with_lengths(&key("جديد", None), "One. Two.", "az", 2, Some(&[5, 4]))
            .unwrap();
        let hit = cache.get(&key("جديد", None)).unwrap().unwrap();
        assert_eq!(hit.sentence_lengths, Some(vec![5, 4]));
        let version: u32 = cache
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version as usize, MIGRATIONS.len());
    }

    #[test]
    fn refuses_files_from_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite");
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let err = Cache::open(&path).unwrap_err().to_string();
        assert!(err.contains("schema version 99 is newer"), "{err}");
    }

    #[test]
    fn shared_between_threads() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(&dir.path().join("c.sqlite")).unwrap();
        std::thread::scope(|s| {
            for t in 0..4 {
                let cache = &cache;
                s.spawn(move || {
                    for i in 0..25 {
                        let text = format!("{t}-{i}");
                        cache.put(&key(&text, None), "x", "lt", 1).unwrap();
                    }
                });
            }
        });
        assert_eq!(cache.stats().unwrap().entries, 100);
    }
}

//! Where review decisions live on disk, and how several writers share one bitext without losing
//! any of them.
//!
//! There is one source of truth: the bitext file itself. A decision (or a note) is *appended* to
//! it as one JSON line, in a single `write`, and synced (`fsync`) before anyone is told it is
//! saved. Appending is O(1) whatever the size of the bitext, and a process killed at any moment
//! leaves either the whole line or none of it (a line cut short by a power loss is ignored by
//! the reader and removed by the next append), and no temporary file.
//!
//! Writers coordinate through an advisory lock on a sidecar file (`.NAME.lock` beside the
//! bitext; the lock is never on the bitext itself, which a rewrite replaces). Under the lock a
//! writer first compares the file with what it last saw (device, inode, length): if others
//! appended, it reads just their new lines and merges them; if the file was rewritten (a re-run
//! of `tarjama run`), it reloads it whole and checks that the bead it decided on still has the
//! text the reviewer saw (the decision's `basis`, see [`Bitext::basis`]); a decision follows its
//! text to another bead id, or is refused with a clear message.
//!
//! Rewrites (a re-run writing a new bitext over an old one, see [`write_all_keeping_decisions`])
//! happen under the same lock and carry every decision of the old file into the new one
//! ([`carry`]): kept when the bead's text is unchanged, moved when the text is now another bead,
//! kept as a `stale-decision` otherwise — never dropped. Temporary files of an interrupted
//! rewrite are removed by the next one.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::bitext::{Bitext, Decision, Note, Record};
use crate::output::{ExportOptions, Format};

/// What a writer had seen of the file: enough to notice appends by others and rewrites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    dev: u64,
    ino: u64,
    /// Length of the complete lines read (a torn last line is not counted).
    len: u64,
}

/// How the file had changed since this writer last looked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    /// Nobody else wrote.
    Unchanged,
    /// Others appended this many decisions or notes; they are merged.
    Appended(usize),
    /// The file was replaced (e.g. a re-run rewrote it); it was read again whole.
    Reloaded,
}

/// A bitext file opened for review: the bitext as last read (with everybody's decisions) and
/// the means to append to it safely.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    bitext: Bitext,
    seen: Seen,
}

/// An advisory lock on the sidecar lock file, released on drop.
struct Lock(File);

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// The sidecar lock file of a bitext: `.NAME.lock` in the same folder.
pub fn lock_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "bitext".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.lock"))
}

fn lock(path: &Path, exclusive: bool) -> anyhow::Result<Lock> {
    let lock_path = lock_path(path);
    if let Some(dir) = lock_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating folder {}", dir.display()))?;
    }
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("opening the lock file {}", lock_path.display()))?;
    if exclusive {
        file.lock()
    } else {
        file.lock_shared()
    }
    .with_context(|| format!("locking {}", lock_path.display()))?;
    Ok(Lock(file))
}

#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(meta: &std::fs::Metadata) -> (u64, u64) {
    // Without inode numbers a rewrite is noticed by its modification time.
    let nanos = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    (0, nanos)
}

/// Length of `file` up to and including its last line feed (what a reader took in).
fn complete_len(file: &mut File) -> std::io::Result<u64> {
    let len = file.metadata()?.len();
    let mut end = len;
    let mut chunk = vec![0u8; 64 * 1024];
    while end > 0 {
        let start = end.saturating_sub(chunk.len() as u64);
        let part = &mut chunk[..(end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(part)?;
        if let Some(i) = memchr::memrchr(b'\n', part) {
            return Ok(start + i as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}

impl Store {
    /// Reads the bitext at `path` (under a shared lock, so no writer is halfway).
    pub fn open(path: &Path) -> anyhow::Result<Store> {
        if !path.is_file() {
            // The reader's own message (file, what is wrong); no lock file is left behind.
            Bitext::read_path(path)?;
            anyhow::bail!("{}: not a regular file", path.display());
        }
        let _lock = lock(path, false)?;
        let (bitext, seen) = read_whole(path)?;
        Ok(Store {
            path: path.to_path_buf(),
            bitext,
            seen,
        })
    }

    /// The bitext as last read, with every decision known so far.
    pub fn bitext(&self) -> &Bitext {
        &self.bitext
    }

    /// The bitext file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Takes in what others wrote since this store last looked.
    pub fn refresh(&mut self) -> anyhow::Result<Refresh> {
        let _lock = lock(&self.path, false)?;
        self.refresh_locked()
    }

    fn refresh_locked(&mut self) -> anyhow::Result<Refresh> {
        let name = self.path.display().to_string();
        let mut file =
            File::open(&self.path).with_context(|| format!("opening {}", self.path.display()))?;
        let meta = file.metadata()?;
        let (dev, ino) = identity(&meta);
        if (dev, ino) != (self.seen.dev, self.seen.ino) || meta.len() < self.seen.len {
            drop(file);
            let (bitext, seen) = read_whole(&self.path)?;
            self.bitext = bitext;
            self.seen = seen;
            return Ok(Refresh::Reloaded);
        }
        if meta.len() == self.seen.len {
            return Ok(Refresh::Unchanged);
        }
        file.seek(SeekFrom::Start(self.seen.len))?;
        let mut reader = BufReader::new(file);
        let mut line = Vec::new();
        let mut merged = 0;
        let mut consumed = 0u64;
        let mut added = Vec::new();
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line)?;
            if n == 0 || line.last() != Some(&b'\n') {
                break; // end, or a torn line being ignored
            }
            consumed += n as u64;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<Record>(&line) {
                Ok(record @ (Record::Decision(_) | Record::Note(_) | Record::StaleDecision(_))) => {
                    added.push(record)
                }
                // Anything else appended means the file is not what we think: read it whole.
                _ => {
                    let (bitext, seen) = read_whole(&self.path)?;
                    self.bitext = bitext;
                    self.seen = seen;
                    return Ok(Refresh::Reloaded);
                }
            }
        }
        for record in added {
            apply(&mut self.bitext, record, &name)?;
            merged += 1;
        }
        self.seen.len += consumed;
        Ok(if merged == 0 {
            Refresh::Unchanged
        } else {
            Refresh::Appended(merged)
        })
    }

    /// Appends the records `make` returns, under the exclusive lock, after merging what others
    /// wrote: `make` sees the up-to-date bitext (and how it changed) and may refuse. The records
    /// are on disk (synced) when this returns `Ok`, and merged into [`Store::bitext`].
    pub fn append_with<F>(&mut self, make: F) -> anyhow::Result<Refresh>
    where
        F: FnOnce(&Bitext, Refresh) -> anyhow::Result<Vec<Record>>,
    {
        let _lock = lock(&self.path, true)?;
        let refresh = self.refresh_locked()?;
        let records = make(&self.bitext, refresh)?;
        if records.is_empty() {
            return Ok(refresh);
        }
        let mut buffer = Vec::new();
        for record in &records {
            serde_json::to_writer(&mut buffer, record)?;
            buffer.push(b'\n');
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.path)
            .with_context(|| format!("opening {} to save a decision", self.path.display()))?;
        // Drop a torn line left by a crash: it was never reported as saved.
        if file.metadata()?.len() != self.seen.len {
            file.set_len(self.seen.len)?;
        }
        file.seek(SeekFrom::Start(self.seen.len))?;
        file.write_all(&buffer)
            .and_then(|()| file.sync_data())
            .with_context(|| format!("saving a decision to {}", self.path.display()))?;
        let name = self.path.display().to_string();
        for record in records {
            apply(&mut self.bitext, record, &name)?;
        }
        self.seen.len += buffer.len() as u64;
        Ok(refresh)
    }

    /// Appends one decision made on the bead text the reviewer saw (`decision`'s basis, if set).
    /// If the file was rewritten meanwhile, the decision follows its text to the bead that has
    /// it now, or is refused with a message saying what to do.
    pub fn decide(&mut self, decision: Decision) -> anyhow::Result<Decision> {
        let mut saved = None;
        self.append_with(|bitext, _| {
            let decision = rebase(bitext, decision)?;
            saved = Some(decision.clone());
            Ok(vec![Record::Decision(decision)])
        })?;
        Ok(saved.expect("set by the closure"))
    }

    /// Appends one note, like [`Store::decide`].
    pub fn note(&mut self, mut note: Note) -> anyhow::Result<Note> {
        let mut saved = None;
        self.append_with(|bitext, _| {
            let bead = located(bitext, note.bead, note.basis())?;
            note.bead = bead;
            note.set_basis(bitext.basis(&bitext.beads[bead]));
            saved = Some(note.clone());
            Ok(vec![Record::Note(note)])
        })?;
        Ok(saved.expect("set by the closure"))
    }
}

/// Points `decision` at the bead that has the text it was made on, and stamps its basis.
fn rebase(bitext: &Bitext, mut decision: Decision) -> anyhow::Result<Decision> {
    let bead = located(bitext, decision.bead, decision.basis())?;
    decision.bead = bead;
    decision.set_basis(bitext.basis(&bitext.beads[bead]));
    Ok(decision)
}

/// The bead id that has the text `basis` (or `bead` itself when no basis is known).
fn located(bitext: &Bitext, bead: usize, basis: Option<&str>) -> anyhow::Result<usize> {
    let Some(current) = bitext.beads.get(bead) else {
        bail!(
            "bead {bead} does not exist (the bitext has {} beads); it was rewritten since it was loaded: reload and decide again",
            bitext.beads.len()
        );
    };
    let Some(basis) = basis else {
        return Ok(bead);
    };
    if bitext.basis(current) == basis {
        return Ok(bead);
    }
    let mut matches = bitext
        .beads
        .iter()
        .filter(|b| bitext.basis(b) == basis)
        .map(|b| b.id);
    match (matches.next(), matches.next()) {
        (Some(id), None) => Ok(id),
        _ => bail!(
            "bead {bead} changed since it was shown (the bitext was rewritten, e.g. by a re-run): reload and decide again"
        ),
    }
}

/// Merges one appended record into the bitext.
fn apply(bitext: &mut Bitext, record: Record, name: &str) -> anyhow::Result<()> {
    match record {
        Record::Decision(d) if d.bead < bitext.beads.len() => bitext.decisions.push(d),
        Record::Note(n) if n.stale || n.bead < bitext.beads.len() => bitext.notes.push(n),
        Record::StaleDecision(d) => bitext.stale.push(d),
        Record::Decision(d) => bail!("{name}: decision for unknown bead {}", d.bead),
        Record::Note(n) => bail!("{name}: note for unknown bead {}", n.bead),
        _ => bail!("{name}: only decisions and notes are appended"),
    }
    Ok(())
}

/// Reads the whole file and records what was seen.
fn read_whole(path: &Path) -> anyhow::Result<(Bitext, Seen)> {
    let mut file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let meta = file.metadata()?;
    let (dev, ino) = identity(&meta);
    let len = complete_len(&mut file)?;
    file.seek(SeekFrom::Start(0))?;
    let bitext = Bitext::read_jsonl(BufReader::new(file), &path.display().to_string())?;
    Ok((bitext, Seen { dev, ino, len }))
}

/// What [`carry`] did with the decisions and notes of the old bitext.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Carried {
    /// On the same bead, same text.
    pub kept: usize,
    /// The text is now another bead: the decision follows it.
    pub moved: usize,
    /// The text is gone: kept as stale (shown, applied to nothing).
    pub stale: usize,
}

impl Carried {
    /// Decisions and notes carried over in all.
    pub fn total(&self) -> usize {
        self.kept + self.moved + self.stale
    }
}

/// Carries the decisions, notes and stale decisions of `old` into `new` (a rebuilt bitext of the
/// same article): each follows its bead's text (see [`Bitext::basis`]); those whose text is gone
/// become stale. Records `new` already has (it was read from the same file) are not repeated.
/// The carried decisions come before `new`'s own, so the newer ones still win.
pub fn carry(old: &Bitext, new: &mut Bitext) -> Carried {
    let basis_of = |b: &Bitext, id: usize| b.beads.get(id).map(|bead| b.basis(bead));
    let new_bases: Vec<String> = new.beads.iter().map(|b| new.basis(b)).collect();
    let mut unique: HashMap<&str, Option<usize>> = HashMap::new();
    for (id, basis) in new_bases.iter().enumerate() {
        unique
            .entry(basis)
            .and_modify(|slot| *slot = None)
            .or_insert(Some(id));
    }
    let stamp_decision = |b: &Bitext, d: &mut Decision| {
        if d.basis().is_none()
            && let Some(basis) = basis_of(b, d.bead)
        {
            d.set_basis(basis);
        }
    };
    let stamp_note = |b: &Bitext, n: &mut Note| {
        if n.basis().is_none()
            && !n.stale
            && let Some(basis) = basis_of(b, n.bead)
        {
            n.set_basis(basis);
        }
    };
    // What `new` already holds, so that a file read and written back is not doubled.
    let mut own_decisions = std::mem::take(&mut new.decisions);
    let mut own_notes = std::mem::take(&mut new.notes);
    let own_stale = std::mem::take(&mut new.stale);
    let snapshot = new.clone();
    own_decisions
        .iter_mut()
        .for_each(|d| stamp_decision(&snapshot, d));
    own_notes.iter_mut().for_each(|n| stamp_note(&snapshot, n));
    let mut present: HashSet<String> = own_decisions
        .iter()
        .map(key)
        .chain(own_notes.iter().map(key))
        .chain(own_stale.iter().map(key))
        .collect();

    let mut carried = Carried::default();
    // Where a basis lives now: the same id if unchanged, else the unique bead with that text.
    let target = |id: usize, basis: Option<&str>| -> (Option<usize>, bool) {
        match basis {
            Some(basis) if new_bases.get(id).is_some_and(|b| b == basis) => (Some(id), false),
            Some(basis) => (unique.get(basis).copied().flatten(), true),
            None => (None, false),
        }
    };
    let mut decisions = Vec::new();
    let mut stale = Vec::new();
    let old_decisions = old.decisions.iter().map(|d| (d, false));
    let old_stale = old.stale.iter().map(|d| (d, true));
    for (d, was_stale) in old_decisions.chain(old_stale) {
        let mut d = d.clone();
        if !was_stale {
            stamp_decision(old, &mut d);
        }
        if !present.insert(key(&d)) {
            continue;
        }
        match target(d.bead, d.basis()) {
            (Some(id), moved) => {
                if moved || was_stale {
                    carried.moved += 1;
                } else {
                    carried.kept += 1;
                }
                d.bead = id;
                decisions.push(d);
            }
            (None, _) => {
                carried.stale += 1;
                stale.push(d);
            }
        }
    }
    let mut notes = Vec::new();
    for n in &old.notes {
        let mut n = n.clone();
        stamp_note(old, &mut n);
        if !present.insert(key(&n)) {
            continue;
        }
        let (place, moved) = if n.stale {
            (None, false)
        } else {
            target(n.bead, n.basis())
        };
        match place {
            Some(id) => {
                if moved {
                    carried.moved += 1;
                } else {
                    carried.kept += 1;
                }
                n.bead = id;
            }
            None => {
                if !n.stale {
                    carried.stale += 1;
                }
                n.stale = true;
            }
        }
        notes.push(n);
    }
    decisions.extend(own_decisions);
    notes.extend(own_notes);
    stale.extend(own_stale);
    new.decisions = decisions;
    new.notes = notes;
    new.stale = stale;
    carried
}

/// A record as a comparison key (decisions and notes hold no floats, so their JSON text is a
/// faithful key).
fn key<T: serde::Serialize>(record: &T) -> String {
    serde_json::to_string(record).unwrap_or_default()
}

/// Temporary files of a rewrite of `path`: `.NAME.` + random + `.tmp`.
fn temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map_or_else(|| "bitext".into(), |n| n.to_string_lossy().into_owned());
    format!(".{name}.")
}

/// Removes what interrupted writes left in `dir`: the temporary files of the rewrites done under
/// a bitext's lock (`.NAME.*.tarjama.tmp`; safe: the caller holds the exclusive lock of the
/// folder's bitext, and every writer of such files does too) and the generic `.tarjama-*.tmp`
/// files of the other writers once they are an hour old.
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".tmp") {
            continue;
        }
        let ours = name.starts_with('.') && name.ends_with(".tarjama.tmp");
        let old_generic = name.starts_with(".tarjama-")
            && entry
                .metadata()
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 3600);
        if ours || old_generic {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes `bitext` to `path` atomically (temporary file, fsync, rename, fsync of the folder),
/// under the exclusive lock, after carrying over the decisions of the file it replaces (see
/// [`carry`]). A file at `path` that is not a readable bitext is an error: it is not replaced.
pub fn write_keeping_decisions(path: &Path, bitext: &mut Bitext) -> anyhow::Result<Carried> {
    let _lock = lock(path, true)?;
    write_locked(path, bitext)
}

fn write_locked(path: &Path, bitext: &mut Bitext) -> anyhow::Result<Carried> {
    let carried = match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => {
            let (old, _) = read_whole(path).with_context(|| {
                format!(
                    "{} exists and is not a bitext this tarjama can read, so its review decisions cannot be carried over; move it away first",
                    path.display()
                )
            })?;
            carry(&old, bitext)
        }
        _ => Carried::default(),
    };
    let dir = folder_of(path);
    std::fs::create_dir_all(dir).with_context(|| format!("creating folder {}", dir.display()))?;
    remove_stale_temps(dir);
    replace_file(path, |out| bitext.write_jsonl(out))?;
    Ok(carried)
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Replaces the regular file `path` atomically: a temporary `.NAME.*.tarjama.tmp` beside it,
/// synced, renamed, the folder synced. Called with the folder's bitext lock held.
fn replace_file(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let dir = folder_of(path);
    let prefix = temp_prefix(path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tarjama.tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o666)); // less the umask
        builder.permissions(mode);
    }
    let tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    {
        let mut out = std::io::BufWriter::new(tmp.as_file());
        render(&mut out)
            .and_then(|()| out.flush())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("syncing {}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("renaming into {}", path.display()))?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// `tarjama run`'s writer: writes each of `formats` into `dir` like
/// [`crate::output::write_all`], but first carries the review decisions of the bitext already in
/// `dir` (if any) into `bitext` — under the bitext's lock, so that a reviewer saving at the same
/// moment loses nothing — and writes `bitext.jsonl` with [`write_keeping_decisions`]'s care.
/// Decisions whose bead changed are kept as stale, with a warning on standard error.
pub fn write_all_keeping_decisions(
    bitext: &mut Bitext,
    dir: &Path,
    formats: &[Format],
    options: &ExportOptions,
) -> anyhow::Result<Vec<PathBuf>> {
    let path = dir.join(Format::Jsonl.default_file_name());
    let _lock = lock(&path, true)?;
    remove_stale_temps(dir);
    let carried = if formats.contains(&Format::Jsonl) {
        None
    } else if path.is_file() {
        let (old, _) = read_whole(&path)?;
        Some(carry(&old, bitext))
    } else {
        None
    };
    let mut written = Vec::new();
    let mut report = carried;
    for &format in formats {
        let file = dir.join(format.default_file_name());
        let regular = std::fs::metadata(&file).map_or(true, |m| m.is_file());
        if format == Format::Jsonl {
            report = Some(write_locked(&file, bitext)?);
        } else if regular {
            // Under the lock, with temporary names the next run cleans up after a kill.
            replace_file(&file, |out| {
                crate::output::export(bitext, format, out, options)
            })?;
        } else {
            crate::output::export_to_file(bitext, format, &file, options)?;
        }
        written.push(file);
    }
    if let Some(carried) = report {
        warn_carried(&carried, &path);
    }
    Ok(written)
}

/// Carries the decisions of the bitext at `path` (if there is one) into `bitext`, for commands
/// that are about to write `bitext` over it (`translate -o`, `check -o`); see [`carry`].
pub fn keep_decisions_of(path: &Path, bitext: &mut Bitext) -> anyhow::Result<()> {
    if !path.is_file() {
        return Ok(());
    }
    let _lock = lock(path, false)?;
    if let Ok((old, _)) = read_whole(path) {
        let carried = carry(&old, bitext);
        warn_carried(&carried, path);
    }
    Ok(())
}

fn warn_carried(carried: &Carried, path: &Path) {
    if carried.moved > 0 {
        eprintln!(
            "tarjama: {} review decisions followed their sentences to new bead numbers in {}",
            carried.moved,
            path.display()
        );
    }
    if carried.stale > 0 {
        eprintln!(
            "tarjama: warning: {} review decisions concern sentences whose text changed; they are kept as stale in {} (see `tarjama serve`)",
            carried.stale,
            path.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bitext::Action;
    use crate::output::fixture;
    use crate::review::new_decision;

    fn saved(dir: &Path) -> PathBuf {
        let path = dir.join("bitext.jsonl");
        let mut b = fixture::sample();
        write_keeping_decisions(&path, &mut b).unwrap();
        path
    }

    #[test]
    fn two_stores_on_one_file_keep_every_decision() {
        let dir = tempfile::tempdir().unwrap();
        let path = saved(dir.path());
        let mut one = Store::open(&path).unwrap();
        let mut two = Store::open(&path).unwrap();
        let before = one.bitext().decisions.len();
        for i in 0..3 {
            one.decide(new_decision(i, Action::Accept, None, None, None))
                .unwrap();
            two.decide(new_decision(i + 3, Action::Reject, None, None, None))
                .unwrap();
        }
        assert_eq!(two.bitext().decisions.len(), before + 6, "merged");
        assert_eq!(
            one.refresh().unwrap(),
            Refresh::Appended(1),
            "the last one of the other"
        );
        let back = Bitext::read_path(&path).unwrap();
        assert_eq!(back.decisions.len(), before + 6);
        assert_eq!(&back, two.bitext());
    }

    #[test]
    fn a_torn_append_is_ignored_then_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = saved(dir.path());
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"type\":\"decision\",\"be").unwrap();
        drop(file);
        let mut store = Store::open(&path).unwrap();
        store
            .decide(new_decision(1, Action::Accept, None, None, None))
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("\"be{"), "the torn line is gone");
        let back = Bitext::read_path(&path).unwrap();
        assert_eq!(back.decisions.last().unwrap().bead, 1);
    }

    #[test]
    fn rewrite_carries_moves_and_keeps_stale_decisions() {
        let dir = tempfile::tempdir().unwrap();
        let path = saved(dir.path());
        let mut store = Store::open(&path).unwrap();
        store
            .decide(new_decision(2, Action::Accept, None, None, None))
            .unwrap();
        let decided = store.bitext().latest_decisions().len();
        // Same article again: every decision stays where it was.
        let mut again = fixture::sample();
        again.decisions.clear();
        let carried = write_keeping_decisions(&path, &mut again).unwrap();
        assert_eq!(carried.stale, 0);
        assert_eq!(again.latest_decisions().len(), decided);
        // A changed translation for bead 2: its decision becomes stale, not lost.
        let mut changed = fixture::sample();
        changed.decisions.clear();
        let t = changed.beads[2].target[0];
        changed.target[t].text = "Another translation.".into();
        let carried = write_keeping_decisions(&path, &mut changed).unwrap();
        // The fixture's own decision on bead 2 and ours.
        assert_eq!(carried.stale, 2, "{carried:?}");
        let back = Bitext::read_path(&path).unwrap();
        assert_eq!(back.stale.len(), 2);
        assert!(back.stale.iter().all(|d| d.bead == 2));
        assert_eq!(back.latest_decisions().len(), decided - 1);
        // A store that had the old file open notices the rewrite and re-reads it.
        assert_eq!(store.refresh().unwrap(), Refresh::Reloaded);
        // Its stale view of bead 2 is refused; other beads are fine.
        let mut d = new_decision(2, Action::Reject, None, None, None);
        d.set_basis(fixture::sample().basis(&fixture::sample().beads[2]));
        let err = store.decide(d).unwrap_err().to_string();
        assert!(err.contains("changed since it was shown"), "{err}");
    }

    #[test]
    fn rewriting_a_file_with_itself_does_not_double_decisions() {
        let dir = tempfile::tempdir().unwrap();
        let path = saved(dir.path());
        let mut same = Bitext::read_path(&path).unwrap();
        let n = same.decisions.len();
        write_keeping_decisions(&path, &mut same).unwrap();
        assert_eq!(Bitext::read_path(&path).unwrap().decisions.len(), n);
    }

    #[test]
    fn leftover_temporary_files_are_removed_by_the_next_rewrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = saved(dir.path());
        let leftover = dir.path().join(".bitext.jsonl.XyZ123.tarjama.tmp");
        std::fs::write(&leftover, "half").unwrap();
        let mut b = Bitext::read_path(&path).unwrap();
        write_keeping_decisions(&path, &mut b).unwrap();
        assert!(!leftover.exists());
    }
}

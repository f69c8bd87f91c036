//! Where a command writes its result: standard output, or a file replaced atomically.
//!
//! Every command with `-o FILE` goes through [`Sink`], so the rules are the same everywhere:
//! `-o -` (or no `-o`) is standard output; a file that is also an input of the command (the same
//! file under any name: a link, `./b.jsonl`) is refused before anything is read, so an export can
//! never overwrite the bitext it renders; the file itself is written by
//! [`super::atomic::write_atomic`] (which refuses read-only files).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

/// A command's destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sink {
    /// Standard output (buffered, flushed at the end).
    Stdout,
    /// A file, replaced atomically.
    File(PathBuf),
}

impl Sink {
    /// The destination of `-o output` for a command that reads `inputs` (`-` entries, standard
    /// input, are ignored). Errors with one line when the output is one of the inputs.
    pub fn new(output: Option<&Path>, inputs: &[&Path]) -> anyhow::Result<Sink> {
        let Some(path) = output.filter(|p| p.as_os_str() != "-") else {
            return Ok(Sink::Stdout);
        };
        if let Some(input) = inputs
            .iter()
            .find(|input| input.as_os_str() != "-" && same_file(input, path))
        {
            anyhow::bail!(
                "-o {} is the input {} of this command: writing it would destroy the input; choose another output file",
                path.display(),
                input.display()
            );
        }
        Ok(Sink::File(path.to_path_buf()))
    }

    /// Runs `write` into the destination; a file is only replaced when `write` succeeds.
    pub fn write<F>(&self, write: F) -> anyhow::Result<()>
    where
        F: FnOnce(&mut dyn Write) -> io::Result<()>,
    {
        match self {
            Sink::File(path) => super::atomic::write_atomic(path, write),
            Sink::Stdout => {
                let stdout = io::stdout();
                let mut out = io::BufWriter::new(stdout.lock());
                write(&mut out)
                    .and_then(|()| out.flush())
                    .context("writing to standard output")
            }
        }
    }
}

/// Runs `write` into `output` (a file, atomically) or standard output (`None` or `-`), after
/// refusing an output that is one of `inputs`.
pub fn write_to<F>(output: Option<&Path>, inputs: &[&Path], write: F) -> anyhow::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    Sink::new(output, inputs)?.write(write)
}

/// Whether two paths name the same existing file (same device and inode on Unix, same
/// canonical path elsewhere). A path that does not exist is no other file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Devices (`/dev/stdout`, `/dev/null`) are not files an output could destroy.
        ma.is_file() && ma.dev() == mb.dev() && ma.ino() == mb.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (ma, mb);
        matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
    }
}

/// A name usable as one folder inside the output folder: path separators, control characters
/// and leading dots removed (an article called `...txt` has the stem `..`, which must not become
/// the parent folder), `article` when nothing is left.
pub fn folder_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_start_matches('.').trim();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '_') {
        "article".to_string()
    } else {
        cleaned.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_that_is_an_input_under_another_name_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("b.jsonl");
        std::fs::write(&input, "x").unwrap();
        let other = dir.path().join(".").join("b.jsonl");
        let err = Sink::new(Some(&other), &[&input]).unwrap_err().to_string();
        assert!(err.contains("is the input"), "{err}");
        assert_eq!(err.lines().count(), 1);
        #[cfg(unix)]
        {
            let link = dir.path().join("link.jsonl");
            std::os::unix::fs::symlink(&input, &link).unwrap();
            assert!(Sink::new(Some(&link), &[&input]).is_err());
        }
        let fresh = dir.path().join("new.html");
        assert_eq!(
            Sink::new(Some(&fresh), &[&input]).unwrap(),
            Sink::File(fresh)
        );
        assert_eq!(
            Sink::new(Some(Path::new("-")), &[&input]).unwrap(),
            Sink::Stdout
        );
    }

    #[test]
    fn folder_names_never_climb() {
        assert_eq!(folder_name(".."), "article");
        assert_eq!(folder_name("."), "article");
        assert_eq!(folder_name("..secret"), "secret");
        assert_eq!(folder_name("a/../b"), "a_.._b");
        assert_eq!(folder_name("مقال"), "مقال");
        assert_eq!(folder_name("x\u{1b}[31m"), "x_[31m");
    }
}

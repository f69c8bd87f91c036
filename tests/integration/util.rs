//! Helpers to run the real binary in a temporary folder.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Path of the `tarjama` binary built for these tests.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tarjama"))
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file of the repository.
pub fn repo_file(relative: &str) -> PathBuf {
    repo().join(relative)
}

/// A file of the evaluation data kept in the repository (`corpora/eval/`, see its README).
/// Panics when it is missing: a test that needs data must fail without it, never skip.
pub fn eval_file(relative: &str) -> PathBuf {
    let path = repo().join("corpora/eval").join(relative);
    assert!(
        path.exists(),
        "{} is missing: the evaluation data is part of the repository (corpora/eval/README.md)",
        path.display()
    );
    path
}

/// A temporary working folder with a clean environment for the binary.
pub struct Workdir {
    /// The folder (deleted on drop).
    pub dir: tempfile::TempDir,
}

impl Workdir {
    /// A new empty folder.
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The folder's path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders) and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// A command for the binary, run in this folder, with no inherited provider keys or proxies.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(bin());
        cmd.current_dir(self.path()).args(args).stdin(Stdio::null());
        for (key, _) in std::env::vars() {
            if key.ends_with("_KEY")
                || key.ends_with("_API_KEY")
                || key.starts_with("TARJAMA_")
                || key.to_ascii_lowercase().ends_with("_proxy")
            {
                cmd.env_remove(key);
            }
        }
        cmd.env("XDG_CONFIG_HOME", self.path().join(".xdg-config"));
        cmd
    }

    /// Runs the binary and returns its output.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Runs the binary with `stdin` as standard input.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Output {
        use std::io::Write;
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        child.wait_with_output().unwrap()
    }
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Standard error as text.
/// The flag records of a bitext JSONL text (what `tarjama check` writes).
pub fn flags(jsonl: &str) -> Vec<serde_json::Value> {
    jsonl
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["type"] == "flag")
        .collect()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

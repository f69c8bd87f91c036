//! Atomic file writes: write to a temporary file beside the destination, then rename.

use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;

/// Writes `path` atomically: `write` fills a buffered temporary file in the same folder, which is
/// flushed, synced and renamed over `path` only if `write` succeeds.
pub fn write_atomic<F>(path: &Path, write: F) -> anyhow::Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).with_context(|| format!("creating folder {}", dir.display()))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tarjama-").suffix(".tmp");
    // A temporary file is private (0600) by default; the output must get the permissions of the
    // file it replaces, or those `File::create` would give a new file.
    #[cfg(unix)]
    builder.permissions(output_permissions(path));
    let tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    {
        let mut out = BufWriter::new(tmp.as_file());
        write(&mut out).with_context(|| format!("writing {}", path.display()))?;
        out.flush()
            .with_context(|| format!("writing {}", path.display()))?;
    }
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("syncing {}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("renaming into {}", path.display()))?;
    Ok(())
}

/// The existing file's permissions, else read-write for all as far as the umask allows (what
/// `File::create` does).
#[cfg(unix)]
fn output_permissions(path: &Path) -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| m.permissions())
        .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o666))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_write_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        let result = write_atomic(&path, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("boom"))
        });
        assert!(result.is_err());
        assert!(!path.exists());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "temporary file left behind"
        );
    }

    #[cfg(unix)]
    #[test]
    fn output_gets_ordinary_permissions_and_keeps_existing_ones() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let reference = dir.path().join("reference.txt");
        std::fs::File::create(&reference).unwrap();
        let new = dir.path().join("new.txt");
        write_atomic(&new, |w| w.write_all(b"x")).unwrap();
        assert_eq!(mode(&new), mode(&reference), "like File::create");
        let private = dir.path().join("private.txt");
        std::fs::write(&private, "old").unwrap();
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&private, |w| w.write_all(b"new")).unwrap();
        assert_eq!(mode(&private), 0o600);
    }

    #[test]
    fn replaces_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").unwrap();
        write_atomic(&path, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }
}

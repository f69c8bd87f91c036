//! Atomic file writes: write to a temporary file beside the destination, then rename.
//!
//! Only regular files are replaced that way. A destination that is a device, a pipe or a socket
//! (`-o /dev/null`, `-o /dev/stdout`, a FIFO) is written in place: renaming over it would
//! replace the device node with a plain file (as root, `/dev/null` itself). A symbolic link is
//! followed, so the link stays and the file it points to is replaced. A read-only file is
//! never replaced: the write is refused with one line.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Writes `path` atomically: `write` fills a buffered temporary file in the same folder, which is
/// flushed, synced and renamed over `path` only if `write` succeeds. A `path` that exists and is
/// not a regular file (a device, a pipe) is written directly.
pub fn write_atomic<F>(path: &Path, write: F) -> anyhow::Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() && !meta.is_dir() => return write_in_place(path, write),
        _ => {}
    }
    let resolved = resolve_link(path);
    let path = resolved.as_path();
    // A rename replaces a read-only file as easily as any other (only the folder's permissions
    // count): a file the user protected is left alone.
    if std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().readonly()) {
        anyhow::bail!(
            "{} is read-only; refusing to replace it (make it writable or choose another output)",
            path.display()
        );
    }
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

/// Writes straight into a device or pipe, which cannot be replaced by a rename.
fn write_in_place<F>(path: &Path, write: F) -> anyhow::Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    let mut out = BufWriter::new(file);
    write(&mut out).with_context(|| format!("writing {}", path.display()))?;
    out.flush()
        .with_context(|| format!("writing {}", path.display()))
}

/// The file a symbolic link points to (so that the rename replaces the file, not the link);
/// `path` itself when it is no link or the link is broken.
fn resolve_link(path: &Path) -> PathBuf {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match std::fs::canonicalize(path) {
        Ok(real) if is_link => real,
        _ => path.to_path_buf(),
    }
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

    #[cfg(unix)]
    #[test]
    fn a_pipe_is_written_in_place_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        // A FIFO stands for every non-regular destination (`/dev/null`, `/dev/stdout`): a
        // regression must not be able to break the machine's own devices.
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped: mkfifo is not available");
            return;
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        write_atomic(&fifo, |w| w.write_all(b"through the pipe")).unwrap();
        // Checked before joining: a reader blocked on a replaced pipe would wait forever.
        let kind = std::fs::metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "the pipe was replaced by a file");
        assert_eq!(reader.join().unwrap(), "through the pipe");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_stays_and_its_target_gets_the_content() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.txt");
        let link = dir.path().join("link.txt");
        std::fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, |w| w.write_all(b"new")).unwrap();
        let link_meta = std::fs::symlink_metadata(&link).unwrap();
        assert!(link_meta.file_type().is_symlink(), "the link was replaced");
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }

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
    fn a_read_only_destination_is_refused_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kept.txt");
        std::fs::write(&path, "old").unwrap();
        let mut perms = std::fs::metadata(&path).unwrap().permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&path, perms).unwrap();
        let err = write_atomic(&path, |w| w.write_all(b"new"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("is read-only"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
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

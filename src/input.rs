//! Reading input text: a file or `-` for standard input, checked to be UTF-8 text.
//!
//! The text is returned exactly as given (a byte-order mark and CR/CRLF line ends are kept), so
//! that every byte offset the library reports points into the file the user has.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Where a command reads its text from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Standard input (`-` on the command line).
    Stdin,
    /// A file on disk.
    File(PathBuf),
}

impl Source {
    /// `-` means standard input, anything else a path.
    pub fn from_arg(arg: &Path) -> Source {
        if arg.as_os_str() == "-" {
            Source::Stdin
        } else {
            Source::File(arg.to_path_buf())
        }
    }

    /// The name used in messages: the path, or `<stdin>`.
    pub fn display_name(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".to_string(),
            Source::File(path) => path.display().to_string(),
        }
    }
}

/// Why an input could not be used. Every message names the input, the position and what to do.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file could not be opened or read.
    #[error("{name}: cannot read")]
    Io {
        /// The input's display name.
        name: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not UTF-8.
    #[error(
        "{name}: invalid UTF-8 at byte {offset}; tarjama reads UTF-8 text (convert it first, e.g. `iconv -f WINDOWS-1256 -t UTF-8`)"
    )]
    InvalidUtf8 {
        /// The input's display name.
        name: String,
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// The input contains a NUL byte, so it is not text.
    #[error(
        "{name}: looks like a binary file (NUL byte at byte {offset}); give tarjama a UTF-8 text file"
    )]
    Binary {
        /// The input's display name.
        name: String,
        /// Byte offset of the first NUL byte.
        offset: usize,
    },
}

/// A file that cannot be used: it cannot be read, or its content is invalid at a line. Displays
/// as one line, `FILE: cannot read` (with the cause in the error chain) or `FILE:LINE: what is
/// wrong; what to do`. The bitext, translation-memory and configuration readers all return it.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file could not be opened or read.
    #[error("{file}: cannot read")]
    Io {
        /// The file's name as the user gave it.
        file: String,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The content is not valid.
    #[error("{file}:{line}: {message}")]
    Invalid {
        /// The file's name as the user gave it.
        file: String,
        /// 1-based line number (0 when the problem is the file as a whole).
        line: usize,
        /// What is wrong and what to do.
        message: String,
    },
}

/// Reads the whole input and checks that it is UTF-8 text without NUL bytes.
pub fn read_text(source: &Source) -> Result<String, InputError> {
    let name = source.display_name();
    let mut bytes = Vec::new();
    let read = match source {
        Source::Stdin => std::io::stdin().lock().read_to_end(&mut bytes),
        Source::File(path) => std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes)),
    };
    read.map_err(|source| InputError::Io {
        name: name.clone(),
        source,
    })?;
    text_from_bytes(bytes, &name)
}

/// Checks bytes for NUL and UTF-8 validity without copying them.
pub fn text_from_bytes(bytes: Vec<u8>, name: &str) -> Result<String, InputError> {
    if let Some(offset) = memchr_nul(&bytes) {
        return Err(InputError::Binary {
            name: name.to_string(),
            offset,
        });
    }
    String::from_utf8(bytes).map_err(|err| InputError::InvalidUtf8 {
        name: name.to_string(),
        offset: err.utf8_error().valid_up_to(),
    })
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(0, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_invalid_utf8_offset() {
        let err = text_from_bytes(b"abc\xffdef".to_vec(), "x.txt").unwrap_err();
        assert_eq!(
            err.to_string().split(';').next().unwrap(),
            "x.txt: invalid UTF-8 at byte 3"
        );
    }

    #[test]
    fn rejects_nul_bytes() {
        let err = text_from_bytes(b"ab\0c".to_vec(), "x.bin").unwrap_err();
        assert!(
            err.to_string()
                .contains("looks like a binary file (NUL byte at byte 2)")
        );
    }

    #[test]
    fn keeps_bom_and_line_ends() {
        let text = text_from_bytes("\u{feff}a\r\nb".as_bytes().to_vec(), "x").unwrap();
        assert_eq!(text, "\u{feff}a\r\nb");
    }
}

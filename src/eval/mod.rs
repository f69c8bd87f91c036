//! Evaluation against gold: segmentation, alignment and flags (one module each).

pub mod align;
pub mod flags;
pub mod segment;

use std::path::{Path, PathBuf};

/// A file of the team's shared data folder, for the tests and benchmarks that measure against
/// it: `shared/` beside this repository (as CI lays it out), or one level further up (a git
/// worktree kept in a folder of worktrees). `None` when it is not there.
#[doc(hidden)]
pub fn shared_file(relative: &str) -> Option<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(1)
        .take(2)
        .map(|dir| dir.join("shared").join(relative))
        .find(|path| path.exists())
}

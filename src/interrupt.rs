//! Ctrl-C handling: the process exits with code 130, as shells expect.
//!
//! Every output file is written to a temporary name and renamed, and every translation is
//! committed to the cache as it arrives, so stopping at any point loses nothing and leaves no
//! half-written file behind.

/// Exit code for a run stopped by SIGINT (128 + 2).
pub const INTERRUPTED_EXIT_CODE: i32 = 130;

/// Installs the SIGINT handler. Called once by `main`.
pub fn install_handler() {
    // Failing to install a handler only means the default (also fatal) SIGINT behaviour.
    let _ = ctrlc::set_handler(|| std::process::exit(INTERRUPTED_EXIT_CODE));
}

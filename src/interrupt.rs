//! Ctrl-C handling through `tokio::signal`: the process exits with code 130, as shells expect.
//!
//! `main` watches for SIGINT ([`watch`]). Outside a translation the process exits at once (every
//! output file is written to a temporary name and renamed, so nothing half-written is left).
//! While a translation runs (a [`Guard`] is held), the signal is passed to it instead: the
//! requests in flight are cancelled, every translation already received is committed to the
//! cache, and the run returns [`Interrupted`]; `main` then exits with 130. A second Ctrl-C
//! exits at once.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

/// Exit code for a run stopped by SIGINT (128 + 2).
pub const INTERRUPTED_EXIT_CODE: i32 = 130;

/// How long a cooperative shutdown may take before the process exits anyway.
const GRACE: Duration = Duration::from_secs(10);

static TRIGGERED: AtomicBool = AtomicBool::new(false);
static COOPERATIVE: AtomicUsize = AtomicUsize::new(0);
static NOTIFY: Notify = Notify::const_new();

/// The run was stopped by Ctrl-C (after committing what it had received).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("interrupted (every translation received so far is saved in the cache)")]
pub struct Interrupted;

/// While alive, Ctrl-C is handled by the code holding it (see the module docs).
#[derive(Debug)]
pub struct Guard(());

impl Guard {
    /// Takes over Ctrl-C until dropped.
    pub fn new() -> Guard {
        COOPERATIVE.fetch_add(1, Ordering::SeqCst);
        Guard(())
    }
}

impl Default for Guard {
    fn default() -> Self {
        Guard::new()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        COOPERATIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Whether Ctrl-C was pressed.
pub fn is_triggered() -> bool {
    TRIGGERED.load(Ordering::SeqCst)
}

/// Marks the process as interrupted and wakes every [`cancelled`] future.
pub fn trigger() {
    TRIGGERED.store(true, Ordering::SeqCst);
    NOTIFY.notify_waiters();
}

/// Resolves once Ctrl-C is pressed (at once if it already was).
pub async fn cancelled() {
    loop {
        let notified = NOTIFY.notified();
        if is_triggered() {
            return;
        }
        notified.await;
    }
}

/// Watches SIGINT on the current runtime (called once by `main`): the first Ctrl-C exits at once
/// unless a [`Guard`] is held, in which case it is handed to that code (with a grace period);
/// a second one always exits. The handler is installed before this returns (not when a task
/// first runs), so a Ctrl-C right after start-up already exits with 130.
pub fn watch() {
    #[cfg(unix)]
    let Ok(mut sigint) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
    else {
        // No handler could be installed: the default (also fatal) SIGINT behaviour stays.
        return;
    };
    tokio::spawn(async move {
        #[cfg(unix)]
        let mut next = async || sigint.recv().await.is_some();
        #[cfg(not(unix))]
        let mut next = async || tokio::signal::ctrl_c().await.is_ok();
        if !next().await {
            return;
        }
        if COOPERATIVE.load(Ordering::SeqCst) == 0 {
            std::process::exit(INTERRUPTED_EXIT_CODE);
        }
        trigger();
        tokio::select! {
            _ = next() => {}
            _ = tokio::time::sleep(GRACE) => {}
        }
        std::process::exit(INTERRUPTED_EXIT_CODE);
    });
}

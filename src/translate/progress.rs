//! Progress reporting: the library never prints; it tells a [`Progress`] what happens and the
//! caller draws it (the command line draws an indicatif bar on a terminal, nothing when piped).

/// What a translation run reports while it goes. Every method has a default that does nothing,
/// so a caller implements only what it shows. Called from the runtime's tasks: keep it cheap.
pub trait Progress: Send + Sync {
    /// A run over `total` units starts.
    fn start(&self, total: usize) {
        let _ = total;
    }
    /// `n` more units are translated.
    fn advance(&self, n: usize) {
        let _ = n;
    }
    /// Where the run stands: units done, HTTP requests sent and retries so far.
    fn update(&self, done: usize, requests: u64, retries: u64) {
        let _ = (done, requests, retries);
    }
    /// The run is over (finished, failed or interrupted).
    fn finish(&self) {}
}

/// Reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}

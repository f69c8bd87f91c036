//! Rate limits of one provider, shared by every task that uses it.
//!
//! - The configured ceilings (`requests_per_second`, `characters_per_minute`) are enforced by
//!   [`governor`] (GCRA), one direct limiter each.
//! - On top, an **adaptive** rate (AIMD, as TCP does for its window): it starts at the configured
//!   ceiling (unlimited when none is configured, e.g. DeepL, which documents none), grows
//!   additively while requests succeed (+1 request/s for every second of successes) and is cut
//!   multiplicatively on 429/503 to 90 % of the rate the service actually accepted over the last
//!   second, never above the ceiling. It stays hand-written: `governor`'s quotas are fixed when
//!   the limiter is built, and rebuilding one on every change would reset its state (each new
//!   limiter grants a fresh burst), so the adaptive part is a small spacer of its own.
//! - A `Retry-After` holds every task of the provider until it has passed.

use std::collections::VecDeque;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

/// Lowest adaptive rate, requests per second: a service that throttles everything is still
/// asked now and then (the retry policy decides when to give up).
const MIN_RATE: f64 = 0.5;
/// Multiplicative decrease: the share of the accepted rate kept after a 429/503.
const DECREASE: f64 = 0.9;
/// Additive increase: requests per second gained per second of successes.
const INCREASE: f64 = 1.0;
/// After a decrease, further throttling answers within this time are the same episode.
const HOLD: Duration = Duration::from_millis(500);
/// The window over which the accepted rate is measured.
const WINDOW: Duration = Duration::from_secs(1);
/// The shortest span a rate is measured over (a burst of answers at once is not a rate).
const MIN_SPAN: Duration = Duration::from_millis(100);

/// Requests per second and characters per minute, shared by every task using a provider.
#[derive(Debug)]
pub struct Limiter {
    requests: Option<DefaultDirectRateLimiter>,
    characters: Option<(DefaultDirectRateLimiter, NonZeroU32)>,
    adaptive: Mutex<Adaptive>,
    paused_until: Mutex<Option<Instant>>,
}

/// The AIMD state.
#[derive(Debug)]
struct Adaptive {
    /// Configured ceiling (infinite = none).
    ceiling: f64,
    /// Current rate (infinite = not limited by adaptation).
    rate: f64,
    /// When the next request may start under `rate`.
    next: Instant,
    /// Successes within the last [`WINDOW`].
    successes: VecDeque<Instant>,
    /// Requests started within the last [`WINDOW`].
    sent: VecDeque<Instant>,
    /// No decrease before this instant.
    hold_until: Option<Instant>,
}

/// The quota for one request every `1 / per_second` seconds, or `None` when unlimited (0) or
/// when the period is too short to measure (a rate of more than a billion per second is none).
fn request_quota(per_second: f64) -> Option<Quota> {
    if per_second <= 0.0 || !per_second.is_finite() {
        return None;
    }
    // governor counts in u64 nanoseconds (584 years): a slower rate saturates at one a year.
    const YEAR: Duration = Duration::from_secs(365 * 24 * 3600);
    let period = Duration::try_from_secs_f64(1.0 / per_second).map_or(YEAR, |p| p.min(YEAR));
    Quota::with_period(period).map(|q| q.allow_burst(NonZeroU32::MIN))
}

impl Limiter {
    /// A limiter for `requests_per_second` (0 = unlimited, no burst) and `characters_per_minute`
    /// (0 = unlimited; up to one minute's budget may be used at once). The caller validated the
    /// numbers ([`super::validate`]); anything else still saturates instead of panicking.
    pub fn new(requests_per_second: f64, characters_per_minute: u64) -> Limiter {
        let requests = request_quota(requests_per_second).map(RateLimiter::direct);
        let characters = NonZeroU32::new(u32::try_from(characters_per_minute).unwrap_or(u32::MAX))
            .map(|per_minute| {
                (
                    RateLimiter::direct(Quota::per_minute(per_minute)),
                    per_minute,
                )
            });
        let ceiling = if requests.is_some() {
            requests_per_second
        } else {
            f64::INFINITY
        };
        Limiter {
            requests,
            characters,
            adaptive: Mutex::new(Adaptive {
                ceiling,
                rate: ceiling,
                next: Instant::now(),
                successes: VecDeque::new(),
                sent: VecDeque::new(),
                hold_until: None,
            }),
            paused_until: Mutex::new(None),
        }
    }

    /// Waits until one request carrying `chars` characters may be sent.
    pub async fn acquire(&self, chars: usize) {
        let paused = *lock(&self.paused_until);
        if let Some(until) = paused {
            tokio::time::sleep_until(until.into()).await;
        }
        if let Some(start) = self.adaptive_slot() {
            tokio::time::sleep_until(start.into()).await;
        }
        if let Some(limiter) = &self.requests {
            limiter.until_ready().await;
        }
        if let Some((limiter, burst)) = &self.characters {
            // A request larger than a minute's budget waits for the whole budget.
            let n =
                NonZeroU32::new(u32::try_from(chars).unwrap_or(u32::MAX)).map(|n| n.min(*burst));
            if let Some(n) = n {
                // `n` is at most the burst size, so the capacity check cannot fail.
                let _ = limiter.until_n_ready(n).await;
            }
        }
    }

    /// Reserves the next start under the adaptive rate (`None`: start now).
    fn adaptive_slot(&self) -> Option<Instant> {
        let mut a = lock(&self.adaptive);
        let now = Instant::now();
        a.trim(now);
        // At the ceiling, governor alone spaces requests: two spacers of the same rate with
        // different phases would make each request wait up to one period more.
        if !a.rate.is_finite() || a.rate >= a.ceiling {
            a.next = now;
            a.sent.push_back(now);
            return None;
        }
        let start = a.next.max(now);
        let spacing = Duration::try_from_secs_f64(1.0 / a.rate).unwrap_or(Duration::MAX);
        a.next = start.checked_add(spacing).unwrap_or(start);
        a.sent.push_back(start);
        (start > now).then_some(start)
    }

    /// Holds every later request until `until`.
    pub fn pause_until(&self, until: Instant) {
        let mut paused = lock(&self.paused_until);
        *paused = Some(paused.map_or(until, |p| p.max(until)));
    }

    /// A request succeeded: additive increase.
    pub fn succeeded(&self) {
        let mut a = lock(&self.adaptive);
        let now = Instant::now();
        a.successes.push_back(now);
        a.trim(now);
        if a.rate.is_finite() {
            a.rate = (a.rate + INCREASE / a.rate).min(a.ceiling);
        }
    }

    /// The service said "too many requests" (429) or "unavailable" (503): multiplicative
    /// decrease, to 90 % of what it accepted over the last second.
    pub fn throttled(&self) {
        let mut a = lock(&self.adaptive);
        let now = Instant::now();
        if a.hold_until.is_some_and(|h| now < h) {
            return;
        }
        a.trim(now);
        let accepted = per_second(&a.successes, now);
        let target = if accepted > 0.0 {
            accepted.min(a.rate) * DECREASE
        } else if a.rate.is_finite() {
            a.rate * DECREASE
        } else {
            // Throttled before any answer came back: half the pace requests went out at.
            per_second(&a.sent, now) * 0.5
        };
        a.rate = a.rate.min(target).max(MIN_RATE).min(a.ceiling);
        a.hold_until = now.checked_add(HOLD);
    }

    /// The current adaptive rate in requests per second (infinite = not limited).
    pub fn rate(&self) -> f64 {
        lock(&self.adaptive).rate
    }
}

impl Adaptive {
    fn trim(&mut self, now: Instant) {
        for events in [&mut self.successes, &mut self.sent] {
            while events
                .front()
                .is_some_and(|&t| now.saturating_duration_since(t) > WINDOW)
            {
                events.pop_front();
            }
        }
    }
}

/// Events per second over the window, or over the time since the first of them when the run is
/// younger than the window (9 answers in the first 100 ms are 90/s, not 9/s).
fn per_second(events: &VecDeque<Instant>, now: Instant) -> f64 {
    let span = events
        .front()
        .map_or(WINDOW, |&first| now.saturating_duration_since(first))
        .clamp(MIN_SPAN, WINDOW);
    events.len() as f64 / span.as_secs_f64()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The state is a few numbers that every update leaves consistent: a poisoned lock is fine.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn request_limiter_spaces_requests() {
        let limiter = Limiter::new(100.0, 0);
        let start = Instant::now();
        for _ in 0..11 {
            limiter.acquire(0).await;
        }
        // 11 requests at 100/s: the 11th starts 100 ms after the first.
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(85), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(400), "{elapsed:?}");
    }

    #[tokio::test]
    async fn character_limiter_allows_a_minute_burst_then_waits() {
        let limiter = Limiter::new(0.0, 60_000);
        let start = Instant::now();
        limiter.acquire(60_000).await;
        assert!(start.elapsed() < Duration::from_millis(50));
        // The budget is spent: 50 more characters are earned back after 50 ms.
        limiter.acquire(50).await;
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(40), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(300), "{elapsed:?}");
    }

    #[tokio::test]
    async fn pause_holds_later_requests() {
        let limiter = Limiter::new(0.0, 0);
        limiter.pause_until(Instant::now() + Duration::from_millis(60));
        let start = Instant::now();
        limiter.acquire(10).await;
        assert!(start.elapsed() >= Duration::from_millis(50));
    }

    #[test]
    fn absurd_rates_saturate_instead_of_panicking() {
        for rps in [1e-300, 1e300, f64::MIN_POSITIVE, f64::MAX, f64::NAN, -1.0] {
            let _ = Limiter::new(rps, u64::MAX);
        }
    }

    #[test]
    fn aimd_decreases_on_throttling_and_never_passes_the_ceiling() {
        let limiter = Limiter::new(10.0, 0);
        for _ in 0..1000 {
            limiter.succeeded();
        }
        assert_eq!(limiter.rate(), 10.0, "never above the configured ceiling");
        limiter.throttled();
        let cut = limiter.rate();
        assert!((MIN_RATE..10.0).contains(&cut), "{cut}");
        // The same episode does not cut twice.
        limiter.throttled();
        assert_eq!(limiter.rate(), cut);
        limiter.succeeded();
        assert!(limiter.rate() > cut, "additive increase");
    }

    #[test]
    fn unlimited_start_is_cut_to_what_the_service_accepted() {
        let limiter = Limiter::new(0.0, 0);
        assert!(limiter.rate().is_infinite());
        for _ in 0..20 {
            limiter.succeeded();
        }
        // 20 answers at once count over the shortest span: 200/s, cut to 180/s.
        limiter.throttled();
        let rate = limiter.rate();
        assert!((170.0..=190.0).contains(&rate), "{rate}");
    }
}

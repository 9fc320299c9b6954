//! Every rate limit passes here: an in-memory limiter first, then the shared counter in the
//! database. The in-memory one sheds a flood before it writes a row per request; the database
//! one is the authority, shared by every instance and kept across restarts.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::AppState;
use crate::accounts::rules::RateLimit;
use crate::error::AppError;

/// The in-memory limiter of one [`RateLimit`], keyed like the database counters.
type Keyed = Arc<DefaultKeyedRateLimiter<String>>;

/// Keyed in-memory limiters, one per distinct [`RateLimit`] (limit, window). Cheap to clone.
#[derive(Clone, Default)]
pub struct Limiter {
    by_limit: Arc<Mutex<HashMap<(i64, i64), Keyed>>>,
}

impl Limiter {
    /// The seconds to wait if `key` is over `limit` in memory, else `None` (and one hit counted).
    ///
    /// The in-memory quota is a token bucket holding `2 × limit`, refilled at `limit` per
    /// window. Whatever a fixed window of `limit` per window lets through in any interval
    /// (at most `limit` in each window it touches) stays within that bucket, so this never
    /// refuses what the database counter would accept: it only sheds what it would refuse.
    pub fn check(&self, key: &str, limit: RateLimit) -> Option<u64> {
        let limiter = self.limiter(limit)?;
        match limiter.check_key(&key.to_owned()) {
            Ok(()) => None,
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                Some(wait.as_secs_f64().ceil().max(1.0) as u64)
            }
        }
    }

    /// Forgets keys whose buckets are full again, so memory follows the active clients.
    pub fn retain_recent(&self) -> u64 {
        let limiters: Vec<_> = match self.by_limit.lock() {
            Ok(map) => map.values().cloned().collect(),
            Err(_) => return 0,
        };
        let mut kept = 0;
        for limiter in limiters {
            limiter.retain_recent();
            limiter.shrink_to_fit();
            kept += limiter.len() as u64;
        }
        kept
    }

    fn limiter(&self, limit: RateLimit) -> Option<Keyed> {
        let burst = NonZeroU32::new(u32::try_from(limit.limit.max(1).saturating_mul(2)).ok()?)?;
        let period =
            Duration::from_secs(limit.window_secs.max(1) as u64) / (limit.limit.max(1) as u32);
        let quota = Quota::with_period(period.max(Duration::from_nanos(1)))?.allow_burst(burst);
        // A poisoned lock only means another request panicked while inserting: go on
        // without the in-memory layer rather than fail every limit.
        let mut map = self.by_limit.lock().ok()?;
        Some(Arc::clone(
            map.entry((limit.limit, limit.window_secs))
                .or_insert_with(|| Arc::new(RateLimiter::keyed(quota))),
        ))
    }
}

/// Counts one request against `key`: the seconds to wait if it is over `limit`, else `None`.
pub async fn hit(
    state: &AppState,
    key: &str,
    limit: RateLimit,
    now: i64,
) -> Result<Option<u64>, AppError> {
    hit_shedding(state, key, limit, limit, now).await
}

/// As [`hit`], answering `RateLimited` with the wait when over `limit`.
pub async fn enforce(
    state: &AppState,
    key: &str,
    limit: RateLimit,
    now: i64,
) -> Result<(), AppError> {
    match hit(state, key, limit, now).await? {
        Some(wait) => Err(AppError::RateLimited {
            retry_after_secs: wait,
        }),
        None => Ok(()),
    }
}

/// As [`hit`], for a counter that gives attempts back (see `refund_rate_limit`): memory, which
/// cannot give back, sheds at `flood` instead of at `limit`.
pub async fn hit_shedding(
    state: &AppState,
    key: &str,
    limit: RateLimit,
    flood: RateLimit,
    now: i64,
) -> Result<Option<u64>, AppError> {
    if let Some(wait) = state.limiter.check(key, flood) {
        metrics::counter!("tremplin_rate_limit_shed_total").increment(1);
        return Ok(Some(wait));
    }
    crate::accounts::store::hit_rate_limit(&state.db, key, limit, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_sheds_past_twice_the_limit_and_keys_are_apart() {
        let limiter = Limiter::default();
        let limit = RateLimit {
            limit: 3,
            window_secs: 3600,
        };
        for _ in 0..6 {
            assert_eq!(limiter.check("a", limit), None);
        }
        let wait = limiter.check("a", limit).unwrap();
        assert!((1..=1200).contains(&wait), "{wait}");
        assert_eq!(limiter.check("b", limit), None);
    }
}

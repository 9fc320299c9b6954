//! Password hashing with argon2id. Hashing is CPU-bound and takes about 19 MiB each, so it
//! runs on the blocking pool, and never more at once than the machine has cores: a flood of
//! logins or resets then waits its turn instead of filling memory and starving real users.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

/// Argon2id cost. `STANDARD` follows OWASP's minimum (19 MiB, t=2); tests may use `FAST`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub memory_kib: u32,
    pub iterations: u32,
}

impl Cost {
    pub const STANDARD: Cost = Cost {
        memory_kib: 19 * 1024,
        iterations: 2,
    };
    pub const FAST: Cost = Cost {
        memory_kib: 1024,
        iterations: 1,
    };

    fn hasher(self) -> Result<Argon2<'static>, argon2::Error> {
        let params = Params::new(self.memory_kib, self.iterations, 1, None)?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// The one way the server hashes and verifies passwords. Clones share one bound: at most
/// `permits` argon2 computations run at a time, the others queue for a permit.
#[derive(Clone)]
pub struct Hasher {
    cost: Cost,
    gate: Arc<Gate>,
}

struct Gate {
    permits: Arc<Semaphore>,
    /// Argon2 computations started (hashes and verifications), for `/metrics` and tests.
    started: AtomicU64,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
}

impl Hasher {
    /// A hasher allowing as many argon2 computations at once as the machine has cores.
    pub fn new(cost: Cost) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self::with_permits(cost, cores)
    }

    pub fn with_permits(cost: Cost, permits: usize) -> Self {
        Self {
            cost,
            gate: Arc::new(Gate {
                permits: Arc::new(Semaphore::new(permits.max(1))),
                started: AtomicU64::new(0),
                in_flight: AtomicUsize::new(0),
                peak: AtomicUsize::new(0),
            }),
        }
    }

    /// A new argon2id hash (PHC string) of `password` at this hasher's cost.
    pub async fn hash(&self, password: String) -> Result<String, String> {
        let cost = self.cost;
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            cost.hasher()
                .map_err(|e| e.to_string())?
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| e.to_string())
        })
        .await
    }

    /// True if `password` matches `phc`. The parameters stored in the hash are used, so
    /// hashes made with another cost still verify.
    pub async fn verify(&self, password: String, phc: String) -> Result<bool, String> {
        self.run(move || {
            let parsed = PasswordHash::new(&phc).map_err(|e| e.to_string())?;
            Ok(Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok())
        })
        .await
    }

    /// Argon2 computations started since this hasher was made.
    pub fn computations(&self) -> u64 {
        self.gate.started.load(Ordering::Relaxed)
    }

    /// The most argon2 computations that ever ran at once.
    pub fn peak_in_flight(&self) -> usize {
        self.gate.peak.load(Ordering::Relaxed)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, String> + Send + 'static,
    ) -> Result<T, String> {
        // The permit is held until the blocking work ends, even if the caller gives up
        // waiting: the semaphore then counts what really runs.
        let permit = Arc::clone(&self.gate.permits)
            .acquire_owned()
            .await
            .map_err(|e| e.to_string())?;
        let gate = Arc::clone(&self.gate);
        tokio::task::spawn_blocking(move || {
            gate.started.fetch_add(1, Ordering::Relaxed);
            let now = gate.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            gate.peak.fetch_max(now, Ordering::SeqCst);
            metrics::counter!("tremplin_password_hashes_total").increment(1);
            let out = work();
            gate.in_flight.fetch_sub(1, Ordering::SeqCst);
            drop(permit);
            out
        })
        .await
        .map_err(|e| e.to_string())?
    }
}

/// A hash to verify against when the account does not exist, so that a login for an unknown
/// email takes as long as one for a known email.
pub const DECOY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$J7Xz3nG0mYb9m2QmJ0vN6wq6zq9yS0mX0w8T6y5l0bA";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_hashes_never_exceed_the_permits() {
        let hasher = Hasher::with_permits(Cost::FAST, 2);
        let tasks: Vec<_> = (0..24)
            .map(|i| {
                let hasher = hasher.clone();
                tokio::spawn(async move { hasher.hash(format!("password number {i}")).await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(hasher.computations(), 24);
        assert!(hasher.peak_in_flight() <= 2, "{}", hasher.peak_in_flight());
        assert!(hasher.peak_in_flight() >= 1);
    }

    #[tokio::test]
    async fn a_hash_verifies_and_a_wrong_password_does_not() {
        let hasher = Hasher::with_permits(Cost::FAST, 1);
        let phc = hasher.hash("correct horse battery".into()).await.unwrap();
        assert!(hasher
            .verify("correct horse battery".into(), phc.clone())
            .await
            .unwrap());
        assert!(!hasher
            .verify("wrong horse battery".into(), phc)
            .await
            .unwrap());
    }
}

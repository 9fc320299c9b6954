//! Password hashing with argon2id. Hashing is CPU-bound, so it runs on the blocking pool.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};

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

pub async fn hash(password: String, cost: Cost) -> Result<String, String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        cost.hasher()
            .map_err(|e| e.to_string())?
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// True if `password` matches `phc`. The parameters stored in the hash are used, so hashes
/// made with another cost still verify.
pub async fn verify(password: String, phc: String) -> Result<bool, String> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&phc).map_err(|e| e.to_string())?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// A hash to verify against when the account does not exist, so that a login for an unknown
/// email takes as long as one for a known email.
pub const DECOY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$J7Xz3nG0mYb9m2QmJ0vN6wq6zq9yS0mX0w8T6y5l0bA";

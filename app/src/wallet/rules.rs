//! Wallet limits.

/// Top-up amounts offered as one click, in cents.
pub const TOP_UP_PRESETS: [i64; 4] = [1_000, 2_000, 5_000, 10_000];
/// The smallest and largest top-up, in cents: below 5 € the processor's fixed fee weighs too
/// much; above 1,000 € a fan should talk to us first.
pub const TOP_UP_MIN: i64 = 500;
pub const TOP_UP_MAX: i64 = 100_000;

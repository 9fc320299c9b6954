//! Pure account decisions: password strength, who counts as a rising creator, which images
//! are accepted, and rate-limit windows. No I/O; unit-tested below.

use super::types::Role;
use crate::error::Problem;

/// Passwords seen in every breach list; refused whatever their length.
const COMMON_PASSWORDS: &[&str] = &[
    "1234567890",
    "12345678910",
    "motdepasse",
    "motdepasse1",
    "password12",
    "password123",
    "qwertyuiop",
    "azertyuiop",
    "iloveyou12",
    "0123456789",
    "1111111111",
    "abcdefghij",
    "passwordpassword",
    "football12",
    "tremplin123",
];

/// Why `password` is refused, if it is. Length is the main rule (as NIST SP 800-63B advises);
/// a known-common password, one repeated character, or the user's own email or handle is weak.
pub fn password_problem(password: &str, others: &[&str]) -> Option<Problem> {
    let len = password.chars().count() as u32;
    if len == 0 {
        return Some(Problem::Required);
    }
    if len < super::types::Password::MIN_LEN {
        return Some(Problem::TooShort {
            min: super::types::Password::MIN_LEN,
        });
    }
    if len > 128 {
        return Some(Problem::TooLong { max: 128 });
    }
    let lower = password.to_lowercase();
    let mut chars = lower.chars();
    let first = chars.next();
    let one_char = chars.all(|c| Some(c) == first);
    let repeats_identity = others
        .iter()
        .any(|o| !o.is_empty() && lower.contains(&o.to_lowercase()));
    if one_char || COMMON_PASSWORDS.contains(&lower.as_str()) || repeats_identity {
        return Some(Problem::WeakPassword);
    }
    None
}

/// Whether a person counts as a rising creator (see `market::rules::is_rising`): the home
/// page and discovery always keep room for them, whatever their reach.
pub fn is_rising(role: Role, audience: u64, joined_at: i64, now: i64) -> bool {
    role == Role::Creator && crate::market::rules::is_rising(audience, joined_at, now)
}

/// Picks `n` featured creators from candidates already sorted by preference, guaranteeing
/// that at least `n / 3` (rounded up) are rising creators when enough of them exist.
pub fn feature<T>(candidates: Vec<T>, n: usize, rising: impl Fn(&T) -> bool) -> Vec<T> {
    let quota = n.div_ceil(3);
    let (rising_first, others): (Vec<_>, Vec<_>) = candidates.into_iter().partition(&rising);
    let take_rising = quota.min(rising_first.len());
    let mut rising_iter = rising_first.into_iter();
    let mut chosen: Vec<T> = rising_iter.by_ref().take(take_rising).collect();
    let rest_needed = n.saturating_sub(chosen.len());
    let mut rest: Vec<T> = others.into_iter().take(rest_needed).collect();
    // Too few established creators: fill with more rising ones.
    if rest.len() < rest_needed {
        rest.extend(rising_iter.take(rest_needed - rest.len()));
    }
    // Interleave so rising creators are not all pushed to the end of the page.
    let mut out = Vec::with_capacity(n);
    let mut rest = rest.into_iter();
    for r in chosen.drain(..) {
        out.extend(rest.next());
        out.push(r);
    }
    out.extend(rest);
    out
}

/// The image formats accepted for avatars, recognised from their first bytes (never from the
/// name or the declared type, which the client controls).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Webp,
    Gif,
}

impl ImageKind {
    pub const ALL: [Self; 4] = [Self::Png, Self::Jpeg, Self::Webp, Self::Gif];

    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        match bytes {
            [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(Self::Png),
            [0xFF, 0xD8, 0xFF, ..] => Some(Self::Jpeg),
            [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(Self::Webp),
            [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some(Self::Gif),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Webp => "webp",
            Self::Gif => "gif",
        }
    }
}

/// Largest accepted avatar, in KiB: a phone's photo as it is (only its copies are shown).
pub const AVATAR_MAX_KIB: u32 = 5 * 1024;

/// Avatars, or an event's covers, one person may upload per hour: each costs up to a second
/// of decoding, and nobody changes theirs that often.
pub const PICTURE_UPLOADS_PER_HOUR: RateLimit = RateLimit {
    limit: 30,
    window_secs: 60 * 60,
};

/// A fixed-window rate limit: at most `limit` hits per `window_secs`.
#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    pub limit: i64,
    pub window_secs: i64,
}

/// Login attempts allowed per account from one client address in 15 minutes. Counted per
/// account *and* address, so that someone guessing from their own address locks only
/// themselves out, not the owner logging in from theirs.
pub const LOGIN_PER_ACCOUNT_ADDRESS: RateLimit = RateLimit {
    limit: 5,
    window_secs: 15 * 60,
};
/// Password attempts per account from all addresses together in 15 minutes: a ceiling on
/// distributed guessing, which would otherwise only be bounded by how many addresses the
/// attacker rents. Past it the password is not even checked; the owner is offered a sign-in
/// link by mail instead, so an attacker can stop passwords working but cannot lock them out.
pub const LOGIN_PER_ACCOUNT: RateLimit = RateLimit {
    limit: 100,
    window_secs: 15 * 60,
};
/// Failed logins allowed per client address, whatever the account, in 15 minutes.
pub const LOGIN_PER_IP: RateLimit = RateLimit {
    limit: 20,
    window_secs: 15 * 60,
};
/// Where the in-memory layer sheds login attempts from one address or on one account. The
/// login counters give successful attempts back (people behind one office or carrier-grade
/// NAT still log in), which memory cannot, so it sheds only at a flood's rate.
pub const LOGIN_FLOOD: RateLimit = RateLimit {
    limit: 300,
    window_secs: 15 * 60,
};
/// Failed uses of emailed links (a reset, a confirmation, a sign-in) per client address per
/// hour; a link that works is never counted. Guessing tokens needs millions.
pub const LINK_ATTEMPTS_PER_IP: RateLimit = RateLimit {
    limit: 10,
    window_secs: 60 * 60,
};
/// Guest accounts a client address may open at checkout per hour.
pub const GUESTS_PER_IP: RateLimit = RateLimit {
    limit: 10,
    window_secs: 60 * 60,
};
/// Accounts a client address may open per hour, unless configured otherwise.
pub const SIGNUPS_PER_IP: RateLimit = RateLimit {
    limit: 20,
    window_secs: 60 * 60,
};
/// Mails of each kind of link (reset, confirmation, sign-in) per account per hour, so the
/// forms cannot be used to flood an inbox.
pub const LINK_MAILS_PER_ACCOUNT: RateLimit = RateLimit {
    limit: 3,
    window_secs: 60 * 60,
};
/// Link mails one client address may have sent per hour, whatever the accounts: without it, the
/// forms would mail three links an hour to every address someone typed in.
pub const LINK_MAILS_PER_IP: RateLimit = RateLimit {
    limit: 20,
    window_secs: 60 * 60,
};

impl RateLimit {
    /// Counters older than this are deleted by housekeeping, so no window may be longer.
    pub const MAX_WINDOW_SECS: i64 = 24 * 60 * 60;

    /// Given the window counter as stored (`window_start`, `hits` already counted in it),
    /// the seconds to wait before another attempt, or `None` if one is allowed now.
    pub fn retry_after(self, window_start: i64, hits: i64, now: i64) -> Option<u64> {
        let window_end = window_start + self.window_secs;
        (now < window_end && hits >= self.limit).then(|| (window_end - now).max(1) as u64)
    }
}

/// The address a per-address limit counts `ip` under. An IPv6 subscriber is usually given a
/// whole /64 and can pick any address in it, so IPv6 addresses count by their /64; an
/// IPv4-mapped IPv6 address counts as the IPv4 address it carries.
pub fn address_bucket(ip: std::net::IpAddr) -> std::net::IpAddr {
    use std::net::{IpAddr, Ipv6Addr};
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(
                u128::from(v6) & 0xffff_ffff_ffff_ffff_0000_0000_0000_0000,
            )),
        },
    }
}

/// Follows and unfollows one person may make per hour.
pub const FOLLOWS_PER_USER: RateLimit = RateLimit {
    limit: 120,
    window_secs: 60 * 60,
};
/// A creator hears of a follower once a day at most: following, unfollowing and following
/// again in a loop must not make a notification each time.
pub const FOLLOW_NOTICE: RateLimit = RateLimit {
    limit: 1,
    window_secs: 24 * 60 * 60,
};

/// How long a password reset link stays valid.
pub const RESET_LINK_SECS: i64 = 60 * 60;
/// How long a link confirming an address stays valid: long enough for a mail read days later.
pub const CONFIRM_LINK_SECS: i64 = 7 * 24 * 60 * 60;
/// How long a sign-in link stays valid: it opens the account, so as briefly as is usable.
pub const LOGIN_LINK_SECS: i64 = 15 * 60;

/// How long the link for `purpose` stays valid.
pub fn link_lifetime(purpose: super::types::LinkPurpose) -> i64 {
    use super::types::LinkPurpose;
    match purpose {
        LinkPurpose::Reset => RESET_LINK_SECS,
        LinkPurpose::Confirm => CONFIRM_LINK_SECS,
        LinkPurpose::Login => LOGIN_LINK_SECS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_common_and_self_referencing_passwords_are_refused() {
        assert_eq!(
            password_problem("abc", &[]),
            Some(Problem::TooShort { min: 10 })
        );
        assert_eq!(
            password_problem("azertyuiop", &[]),
            Some(Problem::WeakPassword)
        );
        assert_eq!(
            password_problem("aaaaaaaaaaaa", &[]),
            Some(Problem::WeakPassword)
        );
        assert_eq!(
            password_problem("my-alice_92-secret", &["alice_92"]),
            Some(Problem::WeakPassword)
        );
        assert_eq!(password_problem("correct horse battery", &["alice"]), None);
    }

    #[test]
    fn images_are_recognised_by_their_bytes() {
        assert_eq!(
            ImageKind::sniff(b"\x89PNG\r\n\x1a\n rest"),
            Some(ImageKind::Png)
        );
        assert_eq!(ImageKind::sniff(b"\xff\xd8\xff\xe0"), Some(ImageKind::Jpeg));
        assert_eq!(
            ImageKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(ImageKind::Webp)
        );
        assert_eq!(ImageKind::sniff(b"<svg onload=alert(1)>"), None);
        assert_eq!(ImageKind::sniff(b""), None);
    }

    #[test]
    fn rate_limit_blocks_inside_the_window_only() {
        let rl = RateLimit {
            limit: 3,
            window_secs: 60,
        };
        assert_eq!(rl.retry_after(100, 2, 110), None);
        assert_eq!(rl.retry_after(100, 3, 110), Some(50));
        assert_eq!(rl.retry_after(100, 9, 160), None);
        for limit in [
            LOGIN_PER_ACCOUNT,
            LOGIN_PER_ACCOUNT_ADDRESS,
            LOGIN_PER_IP,
            LOGIN_FLOOD,
            LINK_MAILS_PER_ACCOUNT,
            LINK_ATTEMPTS_PER_IP,
            LINK_MAILS_PER_IP,
        ] {
            assert!(limit.window_secs <= RateLimit::MAX_WINDOW_SECS);
        }
    }

    #[test]
    fn ipv6_addresses_count_by_their_64_and_ipv4_as_is() {
        let bucket = |s: &str| address_bucket(s.parse().unwrap()).to_string();
        assert_eq!(bucket("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::");
        assert_eq!(bucket("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::");
        assert_eq!(bucket("2001:db8:1:3::1"), "2001:db8:1:3::");
        assert_eq!(bucket("::ffff:203.0.113.9"), "203.0.113.9");
        assert_eq!(bucket("203.0.113.9"), "203.0.113.9");
    }

    proptest::proptest! {
        #[test]
        fn featuring_keeps_the_rising_quota(
            flags in proptest::collection::vec(proptest::bool::ANY, 0..40),
            n in 1usize..13,
        ) {
            let candidates: Vec<(usize, bool)> = flags.iter().copied().enumerate().collect();
            let total_rising = flags.iter().filter(|r| **r).count();
            let chosen = feature(candidates.clone(), n, |c| c.1);
            proptest::prop_assert_eq!(chosen.len(), n.min(candidates.len()));
            let rising = chosen.iter().filter(|c| c.1).count();
            proptest::prop_assert!(rising >= n.div_ceil(3).min(total_rising));
            let mut ids: Vec<usize> = chosen.iter().map(|c| c.0).collect();
            ids.sort_unstable();
            ids.dedup();
            proptest::prop_assert_eq!(ids.len(), chosen.len());
        }
    }
}

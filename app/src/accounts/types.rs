//! Account data that crosses the wire, and the newtypes every input is parsed into.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Problem};

/// What a person is on Tremplin. A fan may later become a creator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Fan,
    Creator,
    Brand,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fan => "fan",
            Self::Creator => "creator",
            Self::Brand => "brand",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<Self, AppError> {
        match s {
            "fan" => Ok(Self::Fan),
            "creator" => Ok(Self::Creator),
            "brand" => Ok(Self::Brand),
            _ => Err(AppError::invalid(field, Problem::Required)),
        }
    }
}

/// What an emailed link lets its holder do, once, before it expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Choose a new password.
    Reset,
    /// Prove the account's address belongs to its owner.
    Confirm,
    /// Log in without the password: the way in when the account is under a guessing attack.
    Login,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reset => "reset",
            Self::Confirm => "confirm",
            Self::Login => "login",
        }
    }
}

/// A lower-cased, plausible email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self, AppError> {
        let s = s.trim().to_lowercase();
        if s.is_empty() {
            return Err(AppError::invalid("email", Problem::Required));
        }
        let valid = s.len() <= 254
            && !s.chars().any(char::is_whitespace)
            && s.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if valid {
            Ok(Self(s))
        } else {
            Err(AppError::invalid("email", Problem::InvalidEmail))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Words that would shadow a page of the site if used as a handle or a brand slug.
const RESERVED: &[&str] = &[
    "admin",
    "api",
    "brand",
    "brands",
    "campaigns",
    "cart",
    "catalogue",
    "checkout",
    "confirm",
    "creators",
    "dashboard",
    "deals",
    "discover",
    "earnings",
    "forgot",
    "healthz",
    "help",
    "lang",
    "live",
    "login",
    "logout",
    "media",
    "metrics",
    "notifications",
    "operator",
    "orders",
    "pkg",
    "products",
    "reset",
    "settings",
    "shop",
    "shops",
    "signup",
    "stream",
    "support",
    "test",
    "tremplin",
    "wallet",
    "webhooks",
];

/// A creator's public name in URLs: `/@handle`. 3–30 of `a-z 0-9 _`, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handle(String);

impl Handle {
    pub fn parse(s: &str) -> Result<Self, AppError> {
        let s = s.trim().trim_start_matches('@').to_lowercase();
        check_identifier("handle", &s, |c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'
        })
        .map_err(|p| AppError::invalid("handle", p))?;
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A brand's name in URLs: `/brands/{slug}`. Like a handle, with `-` instead of `_`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(s: &str) -> Result<Self, AppError> {
        let s = s.trim().to_lowercase();
        check_identifier("slug", &s, |c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
        })
        .map_err(|p| AppError::invalid("slug", p))?;
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn check_identifier(kind: &str, s: &str, allowed: impl Fn(char) -> bool) -> Result<(), Problem> {
    let invalid = if kind == "slug" {
        Problem::InvalidSlug
    } else {
        Problem::InvalidHandle
    };
    match s.chars().count() {
        0 => Err(Problem::Required),
        1..=2 => Err(Problem::TooShort { min: 3 }),
        31.. => Err(Problem::TooLong { max: 30 }),
        _ if !s.starts_with(|c: char| c.is_ascii_lowercase()) || !s.chars().all(allowed) => {
            Err(invalid)
        }
        _ if RESERVED.contains(&s) && kind == "slug" => Err(Problem::SlugTaken),
        _ if RESERVED.contains(&s) => Err(Problem::HandleTaken),
        _ => Ok(()),
    }
}

/// Trimmed free text with a length range, for names and bios.
pub fn parse_text(field: &str, s: &str, min: u32, max: u32) -> Result<String, AppError> {
    let s = s.trim();
    let len = s.chars().count() as u32;
    if len == 0 && min > 0 {
        Err(AppError::invalid(field, Problem::Required))
    } else if len < min {
        Err(AppError::invalid(field, Problem::TooShort { min }))
    } else if len > max {
        Err(AppError::invalid(field, Problem::TooLong { max }))
    } else {
        Ok(s.to_owned())
    }
}

/// A follower count as creators write it: `1200`, `12 500`, `12,500`, `12.5k`, `1,2 M`.
/// Separators must group thousands, so `1,5` is refused rather than read as 15.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowerCount(u64);

impl FollowerCount {
    pub const MAX: u64 = 1_000_000_000;

    /// An empty field is `None`: the creator is not on that network.
    pub fn parse(field: &str, s: &str) -> Result<Option<Self>, AppError> {
        let s = s.trim().to_lowercase();
        if s.is_empty() {
            return Ok(None);
        }
        let (number, scale) = match s.strip_suffix('k').or_else(|| s.strip_suffix('m')) {
            Some(n) if s.ends_with('k') => (n.trim_end(), 1_000),
            Some(n) => (n.trim_end(), 1_000_000),
            None => (s.as_str(), 1),
        };
        let count = if scale == 1 {
            Self::grouped(number)
        } else {
            Self::scaled(number, scale)
        };
        count
            .filter(|c| *c <= Self::MAX)
            .map(|c| Some(Self(c)))
            .ok_or_else(|| AppError::invalid(field, Problem::InvalidNumber))
    }

    /// Digits, optionally in groups of three split by one kind of separator.
    fn grouped(s: &str) -> Option<u64> {
        let separator = s.chars().find(|c| !c.is_ascii_digit());
        let groups: Vec<&str> = match separator {
            None => vec![s],
            Some(sep) if " ,.'\u{a0}\u{202f}".contains(sep) => s.split(sep).collect(),
            Some(_) => return None,
        };
        let (first, rest) = groups.split_first()?;
        let well_grouped = !first.is_empty()
            && (rest.is_empty() || first.len() <= 3)
            && rest.iter().all(|g| g.len() == 3);
        let digits: String = groups.concat();
        (well_grouped && digits.chars().all(|c| c.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten()
    }

    /// A decimal number of thousands or millions (`12.5`, `1,25`) that comes out whole.
    fn scaled(s: &str, scale: u64) -> Option<u64> {
        let (whole, fraction) = s.split_once(['.', ',']).unwrap_or((s, ""));
        let places = u32::try_from(fraction.len()).ok()?;
        let unit = scale.checked_div(10u64.checked_pow(places)?)?;
        let is_digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !is_digits(whole) || !is_digits(fraction) || unit == 0 {
            return None;
        }
        let fraction: u64 = if fraction.is_empty() {
            0
        } else {
            fraction.parse().ok()?
        };
        whole
            .parse::<u64>()
            .ok()?
            .checked_mul(scale)?
            .checked_add(fraction * unit)
    }

    pub fn get(self) -> u64 {
        self.0
    }
}

/// A brand's web address: http or https with a host. `maison-lumen.fr` means https.
#[cfg(feature = "ssr")]
pub struct Website(String);

#[cfg(feature = "ssr")]
impl Website {
    /// An empty field is an empty website: the brand has none.
    pub fn parse(field: &str, s: &str) -> Result<Self, AppError> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(Self(String::new()));
        }
        let bad = || AppError::invalid(field, Problem::InvalidUrl);
        let full = if s.contains("://") {
            s.to_owned()
        } else {
            format!("https://{s}")
        };
        let url = url::Url::parse(&full).map_err(|_| bad())?;
        let host_ok = url
            .host_str()
            .is_some_and(|h| h.contains('.') && !h.ends_with('.'));
        if !matches!(url.scheme(), "http" | "https") || !host_ok || full.len() > 200 {
            return Err(bad());
        }
        Ok(Self(full))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that passed the strength rules; never serialised.
pub struct Password(String);

impl Password {
    pub const MIN_LEN: u32 = 10;

    /// `field` names the input; `others` are the user's own email and handle, which a
    /// password must not simply repeat.
    pub fn parse(field: &str, s: &str, others: &[&str]) -> Result<Self, AppError> {
        super::rules::password_problem(s, others).map_or_else(
            || Ok(Self(s.to_owned())),
            |p| Err(AppError::invalid(field, p)),
        )
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Content niches a creator works in, used for matching with brands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Niche {
    Fashion,
    Beauty,
    Gaming,
    Tech,
    Food,
    Travel,
    Fitness,
    Music,
    Comedy,
    Education,
    Lifestyle,
    Family,
    Sport,
    Art,
}

impl Niche {
    pub const ALL: [Niche; 14] = [
        Self::Fashion,
        Self::Beauty,
        Self::Gaming,
        Self::Tech,
        Self::Food,
        Self::Travel,
        Self::Fitness,
        Self::Music,
        Self::Comedy,
        Self::Education,
        Self::Lifestyle,
        Self::Family,
        Self::Sport,
        Self::Art,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fashion => "fashion",
            Self::Beauty => "beauty",
            Self::Gaming => "gaming",
            Self::Tech => "tech",
            Self::Food => "food",
            Self::Travel => "travel",
            Self::Fitness => "fitness",
            Self::Music => "music",
            Self::Comedy => "comedy",
            Self::Education => "education",
            Self::Lifestyle => "lifestyle",
            Self::Family => "family",
            Self::Sport => "sport",
            Self::Art => "art",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|n| n.as_str() == s)
    }
}

/// Social networks on which a creator can declare an audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Network {
    Instagram,
    Tiktok,
    Youtube,
    Twitch,
    X,
}

impl Network {
    pub const ALL: [Network; 5] = [
        Self::Instagram,
        Self::Tiktok,
        Self::Youtube,
        Self::Twitch,
        Self::X,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Instagram => "instagram",
            Self::Tiktok => "tiktok",
            Self::Youtube => "youtube",
            Self::Twitch => "twitch",
            Self::X => "x",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Instagram => "Instagram",
            Self::Tiktok => "TikTok",
            Self::Youtube => "YouTube",
            Self::Twitch => "Twitch",
            Self::X => "X",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|n| n.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocialAccount {
    pub network: Network,
    pub followers: u64,
}

/// The logged-in person, as the header and pages need them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i64,
    pub handle: String,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub avatar_url: Option<String>,
    /// The brand's slug, for brand accounts.
    pub brand_slug: Option<String>,
    /// Operators run the platform: they see and settle payouts and refunds.
    pub operator: bool,
}

impl SessionUser {
    /// The address of this person's public page: the brand page for brands, `/@handle` otherwise.
    pub fn page_path(&self) -> String {
        match &self.brand_slug {
            Some(slug) => format!("/brands/{slug}"),
            None => format!("/@{}", self.handle),
        }
    }
}

/// A creator's (or fan's) public page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub handle: String,
    pub display_name: String,
    pub role: Role,
    pub bio: String,
    pub avatar_url: Option<String>,
    pub niches: Vec<Niche>,
    pub networks: Vec<SocialAccount>,
    /// Sum of the followers declared on every network.
    pub audience: u64,
    pub rising: bool,
    /// Followers on Tremplin itself.
    pub followers: u64,
    pub viewer_follows: bool,
    pub viewer_is_owner: bool,
}

/// A brand's public page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandPage {
    pub slug: String,
    pub company_name: String,
    pub description: String,
    pub website: String,
    pub avatar_url: Option<String>,
}

/// A creator as listed on the home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatorCard {
    pub handle: String,
    pub display_name: String,
    pub avatar_url: Option<String>,
    pub niches: Vec<Niche>,
    /// Sum of the followers declared on every network.
    pub audience: u64,
    pub rising: bool,
}

/// What the settings page edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub user: SessionUser,
    /// Whether the owner proved the address is theirs.
    pub email_confirmed: bool,
    pub bio: String,
    pub niches: Vec<Niche>,
    pub networks: Vec<SocialAccount>,
    pub brand: Option<BrandPage>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn followers(s: &str) -> Result<Option<u64>, AppError> {
        FollowerCount::parse("instagram", s).map(|c| c.map(FollowerCount::get))
    }

    #[test]
    fn follower_counts_read_as_people_write_them() {
        for (input, expected) in [
            ("", None),
            ("  ", None),
            ("0", Some(0)),
            ("1200", Some(1_200)),
            ("12 500", Some(12_500)),
            ("12\u{202f}500", Some(12_500)),
            ("12,500", Some(12_500)),
            ("1.234.567", Some(1_234_567)),
            ("12.5k", Some(12_500)),
            ("12,5 k", Some(12_500)),
            ("300K", Some(300_000)),
            ("1,2 M", Some(1_200_000)),
            ("1.25m", Some(1_250_000)),
            ("1000000000", Some(1_000_000_000)),
        ] {
            assert_eq!(followers(input), Ok(expected), "{input:?}");
        }
    }

    #[test]
    fn ambiguous_or_absurd_counts_are_refused() {
        for input in [
            "1,5",
            "12,50",
            "1,2345",
            "12 50 0",
            "12,500.000",
            "-5",
            "abc",
            "1e6",
            "1.2345k",
            "k",
            ".5k",
            "1000000001",
            "2000m",
            "99999999999999999999",
        ] {
            assert_eq!(
                followers(input),
                Err(AppError::invalid("instagram", Problem::InvalidNumber)),
                "{input:?}"
            );
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn websites_need_a_web_host() {
        let ok = |s: &str| Website::parse("website", s).map(|w| w.as_str().to_owned());
        assert_eq!(ok(""), Ok(String::new()));
        assert_eq!(
            ok("maison-lumen.fr"),
            Ok("https://maison-lumen.fr".to_owned())
        );
        assert_eq!(ok(" http://a.io/x "), Ok("http://a.io/x".to_owned()));
        for bad in [
            "javascript:alert(1)",
            "ftp://a.io",
            "https://localhost",
            "not a url",
            "https://",
        ] {
            assert_eq!(
                ok(bad),
                Err(AppError::invalid("website", Problem::InvalidUrl)),
                "{bad:?}"
            );
        }
    }
}

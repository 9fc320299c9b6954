//! What the marketplace shows and edits: a creator's marketplace profile and discovery results.

use serde::{Deserialize, Serialize};

use crate::accounts::types::{FollowerCount, Network, Niche};
use crate::error::{AppError, Problem};
use crate::ledger::rules::{parse_amount, MAX_AMOUNT};
use crate::ledger::types::{Currency, Money};

/// A kind of content a brand can buy; the rate card prices each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Post,
    Story,
    ShortVideo,
    LiveMention,
}

impl Format {
    pub const ALL: [Format; 4] = [Self::Post, Self::Story, Self::ShortVideo, Self::LiveMention];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Post => "post",
            Self::Story => "story",
            Self::ShortVideo => "short_video",
            Self::LiveMention => "live_mention",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// Whether a creator takes new deals now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    Open,
    Busy,
    Away,
}

impl Availability {
    pub const ALL: [Availability; 3] = [Self::Open, Self::Busy, Self::Away];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Busy => "busy",
            Self::Away => "away",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Audience languages (ISO 639-1), each shown by its own name, which needs no translation.
pub const LANGUAGES: [(&str, &str); 10] = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("de", "Deutsch"),
    ("it", "Italiano"),
    ("pt", "Português"),
    ("nl", "Nederlands"),
    ("ar", "العربية"),
    ("ja", "日本語"),
    ("hi", "हिन्दी"),
];

/// Audience countries (ISO 3166-1 alpha-2), named in the reader's language by the pages.
pub const COUNTRIES: [&str; 16] = [
    "FR", "BE", "CH", "CA", "GB", "US", "DE", "ES", "IT", "PT", "NL", "MA", "SN", "BR", "JP", "IN",
];

pub fn language_name(code: &str) -> &str {
    LANGUAGES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, name)| name)
}

/// A network with its audience and engagement, as the marketplace shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reach {
    pub network: Network,
    pub followers: u64,
    /// Engagement rate in basis points (345 = 3.45%).
    pub engagement_bp: u32,
}

/// A creator's marketplace profile, as `/@handle` shows it and the settings page edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketProfile {
    pub language: String,
    pub country: String,
    pub availability: Availability,
    pub reach: Vec<Reach>,
    /// The rate card: only the formats offered, cheapest first.
    pub rates: Vec<(Format, Money)>,
}

/// What the marketplace settings page edits: the profile if saved, and the networks declared on
/// the account (their engagement is set here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketSettings {
    pub profile: Option<MarketProfile>,
    pub reach: Vec<Reach>,
}

/// One ranking factor of a result: its weight (percent of the score) and how well the creator
/// does on it (0–100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactorScore {
    pub factor: Factor,
    pub weight: u32,
    pub value: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    /// Niches, network, language, country and availability against what was asked.
    Fit,
    Engagement,
    /// How fast the creator answers deal messages; neutral until they have deals.
    Responsiveness,
    /// What brands rated them after deals; neutral until they have ratings.
    Ratings,
    /// Followers, on a log scale: its weight is bounded so reach alone never wins.
    Reach,
}

/// Why a result is where it is: "why am I seeing this".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    /// Out of 1000: the sum of weight × value over the factors.
    pub score: u32,
    pub factors: Vec<FactorScore>,
    /// On the first page through the rising creators' guaranteed share.
    pub by_quota: bool,
}

/// A creator in search results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Found {
    pub handle: String,
    pub display_name: String,
    pub avatar_url: Option<String>,
    pub niches: Vec<Niche>,
    pub language: String,
    pub country: String,
    pub availability: Availability,
    pub audience: u64,
    pub engagement_bp: u32,
    pub from_price: Option<Money>,
    pub rising: bool,
    pub why: Explanation,
}

/// One page of creator search results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchPage {
    pub creators: Vec<Found>,
    /// Listed creators who pass the filters, all of them.
    pub total: usize,
    /// How many of them are ranked and paged: the ranking reads the best few hundred by base
    /// score (and the rising ones among the rest).
    pub ranked: usize,
    pub page: usize,
    pub pages: usize,
}

/// A search as typed in the form (query string); [`Filters::parse`] reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    pub niche: String,
    #[serde(default)]
    pub network: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub min_followers: String,
    #[serde(default)]
    pub max_followers: String,
    #[serde(default)]
    pub min_engagement: String,
    #[serde(default)]
    pub max_price: String,
    #[serde(default)]
    pub page: String,
}

/// A brand's search, parsed: every filter is a hard constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub niche: Option<Niche>,
    pub network: Option<Network>,
    pub language: Option<String>,
    pub country: Option<String>,
    pub min_followers: Option<u64>,
    pub max_followers: Option<u64>,
    pub min_engagement_bp: Option<u32>,
    pub max_price: Option<Money>,
    /// From 1.
    pub page: usize,
}

/// `field`'s value if not empty, read by `parse`; a value `parse` refuses was not offered by
/// the form.
fn choice<T>(
    field: &str,
    s: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    parse(s)
        .map(Some)
        .ok_or_else(|| AppError::invalid(field, Problem::Malformed))
}

pub fn parse_language(field: &str, s: &str) -> Result<Option<String>, AppError> {
    choice(field, s, |s| {
        LANGUAGES
            .iter()
            .find(|(c, _)| *c == s)
            .map(|(c, _)| (*c).to_owned())
    })
}

pub fn parse_country(field: &str, s: &str) -> Result<Option<String>, AppError> {
    choice(field, s, |s| {
        COUNTRIES.iter().find(|c| **c == s).map(|c| (*c).to_owned())
    })
}

/// A percentage as people write it (`3.5`, `3,5 %`), between 0 and 100, in basis points.
pub fn parse_percentage(field: &str, s: &str) -> Result<Option<u32>, AppError> {
    let cleaned: String = s.trim().trim_end_matches('%').trim().replace(',', ".");
    if cleaned.is_empty() {
        return Ok(None);
    }
    let invalid = || AppError::invalid(field, Problem::InvalidPercentage);
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty()
        || whole.len() > 3
        || !digits(whole)
        || !digits(fraction)
        || fraction.len() > 2
    {
        return Err(invalid());
    }
    let bp = whole.parse::<u32>().map_err(|_| invalid())? * 100
        + format!("{fraction:0<2}")
            .parse::<u32>()
            .map_err(|_| invalid())?;
    if bp > 10_000 {
        return Err(invalid());
    }
    Ok(Some(bp))
}

/// A price typed in euros, from 1 € up to the ledger's largest amount.
pub fn parse_price(field: &str, s: &str) -> Result<Option<Money>, AppError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    parse_amount(s, Currency::Eur, 100, MAX_AMOUNT)
        .map(Some)
        .map_err(|problem| AppError::invalid(field, problem))
}

impl Filters {
    pub fn parse(form: &SearchForm) -> Result<Self, AppError> {
        let min_followers =
            FollowerCount::parse("min_followers", &form.min_followers)?.map(FollowerCount::get);
        let max_followers =
            FollowerCount::parse("max_followers", &form.max_followers)?.map(FollowerCount::get);
        if let (Some(min), Some(max)) = (min_followers, max_followers) {
            if min > max {
                return Err(AppError::invalid("max_followers", Problem::RangeReversed));
            }
        }
        Ok(Self {
            niche: choice("niche", &form.niche, Niche::parse)?,
            network: choice("network", &form.network, Network::parse)?,
            language: parse_language("language", &form.language)?,
            country: parse_country("country", &form.country)?,
            min_followers,
            max_followers,
            min_engagement_bp: parse_percentage("min_engagement", &form.min_engagement)?,
            max_price: parse_price("max_price", &form.max_price)?,
            page: form.page.trim().parse().unwrap_or(1).max(1),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(e: AppError) -> (String, Problem) {
        match e {
            AppError::Invalid { field, problem } => (field, problem),
            other => panic!("not a field error: {other:?}"),
        }
    }

    #[test]
    fn percentages_read_as_people_write_them() {
        for (input, bp) in [
            ("", None),
            ("3", Some(300)),
            ("3.5", Some(350)),
            ("3,45 %", Some(345)),
            ("100", Some(10_000)),
            ("0", Some(0)),
        ] {
            assert_eq!(parse_percentage("e", input).unwrap(), bp, "{input}");
        }
        for input in ["-1", "100.01", "abc", "3.456", "1e3", ".5"] {
            assert_eq!(
                problem(parse_percentage("e", input).unwrap_err()).1,
                Problem::InvalidPercentage,
                "{input}"
            );
        }
    }

    #[test]
    fn a_search_is_parsed_or_refused_field_by_field() {
        let form = SearchForm {
            niche: "food".into(),
            network: "tiktok".into(),
            language: "fr".into(),
            country: "FR".into(),
            min_followers: "500".into(),
            max_followers: "12.5k".into(),
            min_engagement: "2,5".into(),
            max_price: "150".into(),
            page: "2".into(),
        };
        let f = Filters::parse(&form).unwrap();
        assert_eq!(f.niche, Some(Niche::Food));
        assert_eq!(
            (f.min_followers, f.max_followers),
            (Some(500), Some(12_500))
        );
        assert_eq!(f.min_engagement_bp, Some(250));
        assert_eq!(f.max_price, Some(Money::eur(15_000)));
        assert_eq!(f.page, 2);
        assert_eq!(
            Filters::parse(&SearchForm::default()).unwrap(),
            Filters {
                page: 1,
                ..Filters::default()
            }
        );

        let bad = |change: fn(&mut SearchForm)| {
            let mut form = SearchForm::default();
            change(&mut form);
            problem(Filters::parse(&form).unwrap_err())
        };
        assert_eq!(
            bad(|f| f.country = "XX".into()),
            ("country".into(), Problem::Malformed)
        );
        assert_eq!(
            bad(|f| f.niche = "knitting".into()),
            ("niche".into(), Problem::Malformed)
        );
        assert_eq!(
            bad(|f| f.min_followers = "lots".into()),
            ("min_followers".into(), Problem::InvalidNumber)
        );
        assert_eq!(
            bad(|f| {
                f.min_followers = "10k".into();
                f.max_followers = "2k".into()
            }),
            ("max_followers".into(), Problem::RangeReversed)
        );
        assert_eq!(bad(|f| f.max_price = "-5".into()).0, "max_price");
    }
}

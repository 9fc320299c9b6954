//! Pure marketplace decisions: who counts as a rising creator, and how discovery ranks
//! creators, with the explanation each result carries.
//!
//! The score is a weighted sum of factors, each valued 0–100. Reach (followers) is one of them,
//! on a log scale and with a bounded weight, so a large audience never outweighs a good fit.
//! Rising creators (small or new) are guaranteed a share of the first page whenever any match.

use super::types::{Availability, Explanation, Factor, FactorScore};

/// Below this many followers over every network, a creator is rising.
pub const RISING_AUDIENCE: u64 = 10_000;
/// A creator who joined less than this long ago is rising, whatever their audience.
pub const RISING_NEW_SECS: i64 = 90 * 24 * 3600;
/// Results per page.
pub const PAGE: usize = 20;
/// At least this many of the first page's places go to rising creators when enough match.
pub const RISING_PLACES: usize = PAGE.div_ceil(3);

/// Weights in percent of the score; they sum to 100. Reach's is bounded by this table.
pub const WEIGHTS: [(Factor, u32); 5] = [
    (Factor::Fit, 40),
    (Factor::Engagement, 20),
    (Factor::Responsiveness, 10),
    (Factor::Ratings, 15),
    (Factor::Reach, 15),
];

/// Engagement at or above this (10%) is worth the whole factor.
const FULL_ENGAGEMENT_BP: u32 = 1_000;
/// Ten million followers are worth the whole reach factor (log scale).
const FULL_REACH_LOG10: f64 = 7.0;
/// Answering within this many hours is worth the whole responsiveness factor…
const QUICK_ANSWER_HOURS: f64 = 2.0;
/// …and answering after this many is worth nothing.
const SLOW_ANSWER_HOURS: f64 = 72.0;
/// What a factor is worth for a creator with no history on it yet.
const NEUTRAL: u32 = 50;

pub fn is_rising(audience: u64, joined_at: i64, now: i64) -> bool {
    audience < RISING_AUDIENCE || now - joined_at < RISING_NEW_SECS
}

/// How a creator matches a search, and what is known of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Signals {
    /// How many of the niches asked for the creator covers, out of how many were asked.
    pub niches: (usize, usize),
    /// Whether the network, language and country match; `None` when not asked for.
    pub network: Option<bool>,
    pub language: Option<bool>,
    pub country: Option<bool>,
    pub availability: Availability,
    pub engagement_bp: u32,
    /// Median hours to answer a deal message, once they have deals.
    pub response_hours: Option<f64>,
    /// Average rating out of 5, once rated.
    pub rating: Option<f64>,
    pub audience: u64,
    pub rising: bool,
}

/// A creator's record in deals, as stored for search.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Record {
    /// Average stars x 100.
    pub rating_centi: Option<u32>,
    /// Median minutes to answer.
    pub response_mins: Option<u32>,
}

impl Signals {
    /// What is known of a listed creator before any search: the base of their score.
    pub fn listed(audience: u64, engagement_bp: u32, record: Record) -> Self {
        Self {
            niches: (0, 0),
            network: None,
            language: None,
            country: None,
            availability: Availability::Open,
            engagement_bp,
            response_hours: record.response_mins.map(|m| f64::from(m) / 60.0),
            rating: record.rating_centi.map(|r| f64::from(r) / 100.0),
            audience,
            rising: false,
        }
    }
}

fn fit(s: &Signals) -> u32 {
    let (matched, asked) = s.niches;
    let niches = if asked == 0 {
        1.0
    } else {
        matched.min(asked) as f64 / asked as f64
    };
    let flag = |m: Option<bool>| if m == Some(false) { 0.0 } else { 1.0 };
    let availability = match s.availability {
        Availability::Open => 1.0,
        Availability::Busy => 0.6,
        Availability::Away => 0.2,
    };
    let parts = [
        niches,
        flag(s.network),
        flag(s.language),
        flag(s.country),
        availability,
    ];
    percent(parts.iter().sum::<f64>() / parts.len() as f64)
}

fn percent(x: f64) -> u32 {
    (x.clamp(0.0, 1.0) * 100.0).round() as u32
}

fn value(factor: Factor, s: &Signals) -> u32 {
    match factor {
        Factor::Fit => fit(s),
        Factor::Engagement => percent(f64::from(s.engagement_bp) / f64::from(FULL_ENGAGEMENT_BP)),
        Factor::Responsiveness => s.response_hours.map_or(NEUTRAL, |h| {
            percent((SLOW_ANSWER_HOURS - h) / (SLOW_ANSWER_HOURS - QUICK_ANSWER_HOURS))
        }),
        Factor::Ratings => s.rating.map_or(NEUTRAL, |r| percent((r - 1.0) / 4.0)),
        Factor::Reach => percent(((s.audience + 1) as f64).log10() / FULL_REACH_LOG10),
    }
}

/// The score and its factors for one creator.
pub fn explain(s: &Signals) -> Explanation {
    let factors: Vec<FactorScore> = WEIGHTS
        .iter()
        .map(|&(factor, weight)| FactorScore {
            factor,
            weight,
            value: value(factor, s),
        })
        .collect();
    Explanation {
        score: factors.iter().map(|f| f.weight * f.value).sum::<u32>() / 10,
        factors,
        by_quota: false,
    }
}

/// The part of the score that does not depend on the search (all but fit), out of 1000: the
/// store keeps it per creator to pick the best candidates before ranking them.
pub fn base_score(s: &Signals) -> u32 {
    let e = explain(s);
    e.score
        - e.factors
            .iter()
            .filter(|f| f.factor == Factor::Fit)
            .map(|f| f.weight * f.value / 10)
            .sum::<u32>()
}

/// Ranks `candidates`: the best score first (ties: rising first, then the given order), except
/// that the first page holds at least [`RISING_PLACES`] rising creators whenever that many
/// match (all of them when fewer do). Returns each candidate's index with its explanation.
pub fn rank(candidates: &[Signals]) -> Vec<(usize, Explanation)> {
    let mut ranked: Vec<(usize, Explanation)> = candidates
        .iter()
        .enumerate()
        .map(|(i, s)| (i, explain(s)))
        .collect();
    ranked.sort_by(|(a, ea), (b, eb)| {
        eb.score
            .cmp(&ea.score)
            .then(candidates[*b].rising.cmp(&candidates[*a].rising))
            .then(a.cmp(b))
    });
    let rising = |i: usize| candidates[i].rising;
    let first_page = ranked.len().min(PAGE);
    let on_page = ranked[..first_page]
        .iter()
        .filter(|(i, _)| rising(*i))
        .count();
    let total_rising = ranked.iter().filter(|(i, _)| rising(*i)).count();
    let missing = RISING_PLACES.min(total_rising).saturating_sub(on_page);
    if missing == 0 {
        return ranked;
    }
    // The best rising creators after the first page take the places of its lowest established
    // ones, who open the second page: both stay in score order, since everything after the
    // first page scores no more than anything on it.
    let mut tail = ranked.split_off(first_page);
    let mut promoted = Vec::with_capacity(missing);
    tail.retain(|entry| {
        let take = promoted.len() < missing && rising(entry.0);
        if take {
            promoted.push((
                entry.0,
                Explanation {
                    by_quota: true,
                    ..entry.1.clone()
                },
            ));
        }
        !take
    });
    let mut demoted = Vec::with_capacity(missing);
    for at in (0..ranked.len()).rev() {
        if demoted.len() == missing {
            break;
        }
        if !rising(ranked[at].0) {
            demoted.push(ranked.remove(at));
        }
    }
    demoted.reverse();
    ranked.extend(promoted);
    ranked.extend(demoted);
    ranked.extend(tail);
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn creator(audience: u64, engagement_bp: u32, rising: bool) -> Signals {
        Signals {
            niches: (1, 1),
            language: Some(true),
            rising,
            ..Signals::listed(audience, engagement_bp, Record::default())
        }
    }

    #[test]
    fn rising_means_small_or_new() {
        let now = 1_000_000_000;
        assert!(is_rising(800, now - 5 * RISING_NEW_SECS, now));
        assert!(is_rising(2_000_000, now - 3_600, now));
        assert!(!is_rising(RISING_AUDIENCE, now - RISING_NEW_SECS, now));
    }

    #[test]
    fn the_weights_make_a_whole() {
        assert_eq!(WEIGHTS.iter().map(|(_, w)| w).sum::<u32>(), 100);
    }

    #[test]
    fn a_small_creator_who_fits_beats_a_star_who_does_not() {
        let small = creator(800, 600, true);
        let mut star = creator(5_000_000, 200, false);
        star.niches = (0, 2);
        star.language = Some(false);
        let ranked = rank(&[star, small]);
        assert_eq!(ranked[0].0, 1);
    }

    #[test]
    fn rising_creators_get_their_share_of_the_first_page() {
        let mut candidates: Vec<Signals> = (0..30)
            .map(|i| creator(2_000_000 + i, 900, false))
            .collect();
        candidates.extend((0..10).map(|i| creator(500 + i, 100, true)));
        let ranked = rank(&candidates);
        let page = &ranked[..PAGE];
        assert_eq!(
            page.iter().filter(|(i, _)| candidates[*i].rising).count(),
            RISING_PLACES
        );
        assert!(page
            .iter()
            .all(|(i, e)| e.by_quota == candidates[*i].rising));
        // Without any rising creator matching, nothing is reserved.
        let established = rank(&candidates[..30]);
        assert!(established.iter().all(|(_, e)| !e.by_quota));
    }

    #[test]
    fn unknown_history_counts_as_neutral_and_says_so() {
        let e = explain(&creator(800, 600, true));
        let of = |f| e.factors.iter().find(|x| x.factor == f).unwrap().value;
        assert_eq!(of(Factor::Responsiveness), NEUTRAL);
        assert_eq!(of(Factor::Ratings), NEUTRAL);
        assert_eq!(of(Factor::Fit), 100);
        assert_eq!(of(Factor::Engagement), 60);
    }

    #[test]
    fn the_base_score_is_the_score_without_fit() {
        let s = creator(12_000, 450, false);
        let e = explain(&s);
        assert_eq!(base_score(&s) + 40 * 100 / 10, e.score);
    }

    fn signals() -> impl Strategy<Value = Signals> {
        (
            (0usize..4, 0usize..4),
            proptest::option::of(any::<bool>()),
            proptest::option::of(any::<bool>()),
            proptest::sample::select(Availability::ALL.to_vec()),
            0u32..3_000,
            proptest::option::of(0.0f64..200.0),
            proptest::option::of(1.0f64..5.0),
            0u64..50_000_000,
            any::<bool>(),
        )
            .prop_map(
                |(
                    niches,
                    network,
                    language,
                    availability,
                    engagement_bp,
                    response_hours,
                    rating,
                    audience,
                    rising,
                )| Signals {
                    niches,
                    network,
                    language,
                    country: None,
                    availability,
                    engagement_bp,
                    response_hours,
                    rating,
                    audience,
                    rising,
                },
            )
    }

    proptest! {
        #[test]
        fn the_first_page_keeps_the_rising_share(candidates in proptest::collection::vec(signals(), 0..80)) {
            let ranked = rank(&candidates);
            prop_assert_eq!(ranked.len(), candidates.len());
            let mut seen: Vec<usize> = ranked.iter().map(|(i, _)| *i).collect();
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..candidates.len()).collect::<Vec<_>>());
            let page = &ranked[..ranked.len().min(PAGE)];
            let rising_on_page = page.iter().filter(|(i, _)| candidates[*i].rising).count();
            let rising = candidates.iter().filter(|c| c.rising).count();
            prop_assert!(rising_on_page >= RISING_PLACES.min(rising));
            // The first page and the rest are each in score order; only the quota crosses over.
            let sorted = |part: &[(usize, Explanation)]| part.windows(2).all(|w| w[0].1.score >= w[1].1.score);
            prop_assert!(sorted(page));
            prop_assert!(sorted(&ranked[page.len()..]));
            prop_assert!(ranked[page.len()..].iter().all(|(_, e)| !e.by_quota));
        }

        #[test]
        fn reach_alone_moves_the_score_by_at_most_its_weight(s in signals(), audience in 0u64..u64::MAX / 2) {
            let other = Signals { audience, ..s.clone() };
            let (a, b) = (explain(&s).score, explain(&other).score);
            let reach_weight = WEIGHTS.iter().find(|(f, _)| *f == Factor::Reach).unwrap().1;
            prop_assert!(a.abs_diff(b) <= reach_weight * 10);
        }

        #[test]
        fn scores_stay_within_bounds(s in signals()) {
            let e = explain(&s);
            prop_assert!(e.score <= 1000);
            prop_assert!(e.factors.iter().all(|f| f.value <= 100));
        }
    }
}
